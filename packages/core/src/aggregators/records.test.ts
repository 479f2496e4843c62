import { describe, expect, it } from 'vitest';
import { record, update, valuesOf } from './__fixtures__/updates.js';
import { AggregationError } from './errors.js';
import { contributionWeights, krumScoresRecord, medianRecord, trimmedMeanRecord, weightedAverageRecord } from './records.js';

describe('weightedAverageRecord', () => {
  it('pairs each weight with its own client, whatever the order of the updates', () => {
    // client 7: 3 samples, [1, 10]; client 2: 1 sample, [5, 2] → [(3+5)/4, (30+2)/4] = [2, 8]
    const a = update(7, 3, { w: [1, 10], b: [[1, 1], [4]] });
    const b = update(2, 1, { w: [5, 2], b: [[1, 1], [0]] });
    for (const updates of [
      [a, b],
      [b, a],
    ]) {
      const avg = weightedAverageRecord(updates);
      expect(valuesOf(avg, 'w')).toEqual([2, 8]);
      expect(valuesOf(avg, 'b')).toEqual([3]);
      expect(avg['b']!.shape).toEqual([1, 1]);
    }
  });

  it('uses `weight` instead of numSamples when given', () => {
    // weights 1 and 3 (numSamples 100 and 1 ignored): (1·4 + 3·8) / 4 = 7
    const avg = weightedAverageRecord([update(0, 100, { w: [4] }, 1), update(1, 1, { w: [8] }, 3)]);
    expect(valuesOf(avg, 'w')).toEqual([7]);
  });

  it('returns fresh arrays and leaves the inputs alone', () => {
    const u = update(0, 1, { w: [1, 2] });
    const avg = weightedAverageRecord([u]);
    avg['w']!.data[0] = 99;
    expect(valuesOf(u.arrays, 'w')).toEqual([1, 2]);
  });
});

describe('layout checks', () => {
  const layout = record({
    'head.weight': [
      [2, 2],
      [0, 0, 0, 0],
    ],
    'head.bias': [0, 0],
  });
  const good = (id: number) =>
    update(id, 1, {
      'head.weight': [
        [2, 2],
        [1, 2, 3, 4],
      ],
      'head.bias': [1, 2],
    });

  it.each([
    // a missing key: the client built a different model or the strategy sliced the record differently
    [
      'missing key',
      update(4, 1, {
        'head.weight': [
          [2, 2],
          [1, 2, 3, 4],
        ],
      }),
      'head.bias',
      /missing: \[head\.bias\]/,
    ],
    // an extra key would otherwise be silently dropped
    [
      'unexpected key',
      update(4, 1, {
        'head.weight': [
          [2, 2],
          [1, 2, 3, 4],
        ],
        'head.bias': [1, 2],
        'l_head.bias': [0],
      }),
      'l_head.bias',
      /unexpected: \[l_head\.bias\]/,
    ],
    // same size but transposed shape must not be averaged element-wise
    [
      'shape',
      update(4, 1, {
        'head.weight': [
          [1, 4],
          [1, 2, 3, 4],
        ],
        'head.bias': [1, 2],
      }),
      'head.weight',
      /array 'head\.weight' has shape \[1x4\] but \[2x2\] was expected/,
    ],
    // data length disagreeing with the declared shape
    [
      'data length',
      update(4, 1, {
        'head.weight': [
          [2, 2],
          [1, 2, 3],
        ],
        'head.bias': [1, 2],
      }),
      'head.weight',
      /array 'head\.weight' has shape \[2x2\] \(4 values\) but holds 3 values/,
    ],
  ])('names the tensor and the client (%s)', (_, bad, tensor, message) => {
    for (const run of [
      () => weightedAverageRecord([good(1), bad], { round: 3, layout }),
      () => medianRecord([good(1), bad], { round: 3, layout }),
      () => trimmedMeanRecord([good(1), bad], 0.1, { round: 3, layout }),
      () => krumScoresRecord([good(1), good(2), bad], 0, { round: 3, layout }),
    ]) {
      let error: unknown;
      try {
        run();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(AggregationError);
      const e = error as AggregationError;
      expect(e.message).toMatch(message);
      expect(e.message).toMatch(/round 3: update from client 4/);
      expect(e).toMatchObject({ round: 3, clientId: 4, tensor });
    }
  });

  it('rejects a client that sends two updates', () => {
    expect(() => weightedAverageRecord([good(1), good(1)], { round: 2 })).toThrow(/round 2: client 1 sent more than one update/);
  });

  it('rejects an empty list', () => {
    expect(() => medianRecord([], { round: 5 })).toThrow(/round 5: median: no client updates/);
  });
});

describe('contributionWeights', () => {
  it.each([
    // negative sample counts are a bug upstream
    [[update(3, -1, { w: [1] })], /client 3 has numSamples = -1/],
    // a NaN override weight (e.g. a diverged dual variable) must not poison the mean
    [[update(3, 1, { w: [1] }, Number.NaN)], /client 3 has weight = NaN/],
    // all-zero weights leave nothing to average
    [[update(3, 0, { w: [1] }), update(4, 0, { w: [1] })], /every averaging weight is 0 \(clients 3, 4\)/],
  ])('rejects bad weights %#', (updates, message) => {
    expect(() => contributionWeights(updates)).toThrow(message);
  });
});

describe('krumScoresRecord', () => {
  it('sums distances over all arrays', () => {
    // 1-D points split over two arrays: x = (a, b). Clients (0,0), (1,0), (1,1), (5,5), (6,6).
    const pts = [
      [0, 0],
      [1, 0],
      [1, 1],
      [5, 5],
      [6, 6],
    ];
    const updates = pts.map(([a, b], k) => update(k, 1, { a: [a!], b: [b!] }));
    // f = 1 → 2 nearest. Squared distances from (0,0): 1, 2, 50, 72 → 3; (1,0): 1, 1, 41, 61 → 2;
    // (1,1): 2, 1, 32, 50 → 3; (5,5): 50, 41, 32, 2 → 34; (6,6): 72, 61, 50, 2 → 52
    expect([...krumScoresRecord(updates, 1)]).toEqual([3, 2, 3, 34, 52]);
  });

  it('explains the quorum', () => {
    const updates = [0, 1, 2, 3].map((k) => update(k, 1, { a: [k] }));
    expect(() => krumScoresRecord(updates, 1, { round: 9 })).toThrow(
      /round 9: Krum needs n > 2f \+ 2 updates but has n = 4 with f = 1 .* \(need at least 5\); sample more clients per round or lower f/,
    );
  });
});
