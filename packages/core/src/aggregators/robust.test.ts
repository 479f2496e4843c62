// Median, trimmed mean, Krum and Multi-Krum: hand-computed rounds, then the scenario they exist
// for: one or two of six clients sending updates scaled by 1e3.
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../logger.js';
import { Rng } from '../random.js';
import { maxAbsDiff, record, scaledAttackRound, update, valuesOf } from './__fixtures__/updates.js';
import { AggregationError } from './errors.js';
import { FedAvgAggregator } from './fedavg.js';
import { KrumAggregator } from './krum.js';
import { MedianAggregator } from './median.js';
import { MultiKrumAggregator } from './multi-krum.js';
import { TrimmedMeanAggregator } from './trimmed-mean.js';

// Five 2-D clients; the sample counts would matter for a weighted rule and must be ignored.
const current = record({ w: [0, 0] });
const updates = [
  update(10, 1, { w: [0, 4] }),
  update(11, 50, { w: [1, -1] }),
  update(12, 1, { w: [2, 0] }),
  update(13, 1, { w: [10, 2] }),
  update(14, 1, { w: [11, 3] }),
];

describe('median', () => {
  it('takes the unweighted coordinate-wise median', () => {
    // column 0: 0 1 2 10 11 → 2; column 1: -1 0 2 3 4 → 2
    expect(valuesOf(new MedianAggregator({}, silentLogger()).aggregate({ round: 1, current, updates }), 'w')).toEqual([2, 2]);
  });
});

describe('trimmed-mean', () => {
  it('drops floor(beta·n) from each end, unweighted', () => {
    const agg = new TrimmedMeanAggregator({ beta: 0.2 }, silentLogger());
    // one from each end: column 0: (1+2+10)/3; column 1: (0+2+3)/3
    const w = valuesOf(agg.aggregate({ round: 1, current, updates }), 'w');
    expect(w[0]).toBeCloseTo(13 / 3, 6);
    expect(w[1]).toBeCloseTo(5 / 3, 6);
  });

  it('defaults to beta = 0.1 and warns once per client count when that trims nothing', () => {
    const logger = silentLogger();
    const agg = new TrimmedMeanAggregator({}, logger);
    expect(agg.options).toEqual({ beta: 0.1 });
    agg.aggregate({ round: 1, current, updates });
    agg.aggregate({ round: 2, current, updates });
    expect(logger.warnings).toEqual([
      'trimmed-mean, round 1: beta = 0.1 trims ⌊0.1·5⌋ = 0 of 5 updates from each end, so this is a plain mean ' +
        'with no robustness; use beta >= 0.2 to trim one from each end',
    ]);
  });

  it('suggests a beta that really trims (rounded up from 1/n)', () => {
    const logger = silentLogger();
    new TrimmedMeanAggregator({ beta: 0.3 }, logger).aggregate({ round: 1, current, updates: updates.slice(0, 3) });
    // ⌊0.3·3⌋ = 0; 1/3 shown as 0.333 would still give ⌊0.999⌋ = 0, so 0.334
    expect(logger.warnings[0]).toMatch(/use beta >= 0\.334 to trim one from each end$/);
  });

  it('rejects beta outside [0, 0.5)', () => {
    expect(() => new TrimmedMeanAggregator({ beta: 0.5 }, silentLogger())).toThrow(/option beta/);
  });
});

describe('krum', () => {
  it('returns the update with the lowest score', () => {
    // f = 1 → 2 nearest squared distances. Client 10 (0,4): to 11: 1+25=26, 12: 4+16=20, 13: 100+4, 14: 121+1 → 46
    // 11 (1,-1): 26, 12: 1+1=2, 13: 81+9=90, 14: 100+16 → 28; 12 (2,0): 20, 2, 64+4=68, 81+9=90 → 22
    // 13 (10,2): 104, 90, 68, 1+1=2 → 70; 14 (11,3): 122, 116, 90, 2 → 92  ⇒ client 12 wins
    const next = new KrumAggregator({ f: 1 }, silentLogger()).aggregate({ round: 1, current, updates });
    expect(valuesOf(next, 'w')).toEqual([2, 0]);
    expect(next['w']!.data).not.toBe(updates[2]!.arrays['w']!.data);
  });

  it('throws a clear error when n <= 2f + 2', () => {
    const agg = new KrumAggregator({ f: 2 }, silentLogger());
    expect(() => agg.aggregate({ round: 3, current, updates })).toThrow(AggregationError);
    expect(() => agg.aggregate({ round: 3, current, updates })).toThrow(
      /round 3: Krum needs n > 2f \+ 2 updates but has n = 5 with f = 2 .*need at least 7/,
    );
  });

  it.each([
    [{ f: -1 }, /option f/],
    [{ f: 1.5 }, /option f/],
  ])('rejects %j', (options, message) => {
    expect(() => new KrumAggregator(options, silentLogger())).toThrow(message);
  });
});

describe('multi-krum', () => {
  it('averages the m best-scoring updates uniformly (Blanchard et al.), ignoring sample counts', () => {
    // scores (f = 1, from the Krum test): 11 → 28 (50 samples), 12 → 22 (1 sample), 10 → 46, 13 → 70
    // m = 2 → clients 12 and 11: ((2,0) + (1,−1)) / 2 = (1.5, −0.5)
    const w = valuesOf(new MultiKrumAggregator({ f: 1, m: 2 }, silentLogger()).aggregate({ round: 1, current, updates }), 'w');
    expect(w).toEqual([1.5, -0.5]);
  });

  it("averages by sample count with weighting: 'samples' (Flower)", () => {
    // m = 2 → clients 12 and 11: ((2,0)·1 + (1,−1)·50) / 51 = (52/51, −50/51)
    const agg = new MultiKrumAggregator({ f: 1, m: 2, weighting: 'samples' }, silentLogger());
    const w = valuesOf(agg.aggregate({ round: 1, current, updates }), 'w');
    expect(w[0]).toBeCloseTo(52 / 51, 6);
    expect(w[1]).toBeCloseTo(-50 / 51, 6);
  });

  it('defaults m to n − f', () => {
    // f = 1, n = 5 → m = 4: clients 12, 11, 10, 13 (not 14, score 92)
    // column 0: (2 + 1 + 0 + 10)/4 = 13/4; column 1: (0 − 1 + 4 + 2)/4 = 5/4
    const w = valuesOf(new MultiKrumAggregator({ f: 1 }, silentLogger()).aggregate({ round: 1, current, updates }), 'w');
    expect(w).toEqual([13 / 4, 5 / 4]);
  });

  it('gives an attacker inside the honest cluster who claims 10⁶ samples one vote in m, not the whole aggregate', () => {
    // Six honest clients around c (σ = 0.01 per coordinate) and an attacker just beside their
    // mean, so Krum ranks it best; it claims 10⁶ samples against the honest clients' 100.
    const rng = new Rng(11).derive('multi-krum', 'attacker');
    const c = Array.from({ length: 20 }, (_, i) => 1 + 0.1 * i);
    const honest = Array.from({ length: 6 }, () => c.map((x) => Math.fround(x + rng.normal(0, 0.01))));
    const honestMean = c.map((_, i) => honest.reduce((s, h) => s + h[i]!, 0) / 6);
    const attackerPoint = honestMean.map((x) => Math.fround(x + 0.005));
    const round = [...honest.map((h, k) => update(k, 100, { w: h })), update(6, 1e6, { w: attackerPoint })];
    const start = record({ w: c.map(() => 0) });
    const points = [...honest, attackerPoint];
    // Krum scores by hand (f = 1: each client's n − f − 2 = 4 nearest others), then the m = 5 best.
    const d2 = (a: number[], b: number[]) => a.reduce((s, x, i) => s + (x - b[i]!) ** 2, 0);
    const scores = points.map((p, a) =>
      points
        .filter((_, b) => b !== a)
        .map((q) => d2(p, q))
        .sort((x, y) => x - y)
        .slice(0, 4)
        .reduce((s, x) => s + x, 0),
    );
    const selected = scores
      .map((s, k) => [s, k] as const)
      .sort((x, y) => x[0] - y[0])
      .slice(0, 5)
      .map(([, k]) => k);
    expect(selected).toContain(6);
    const uniformMean = c.map((_, i) => selected.reduce((s, k) => s + points[k]![i]!, 0) / 5);

    const uniform = new MultiKrumAggregator({ f: 1, m: 5 }, silentLogger()).aggregate({ round: 1, current: start, updates: round });
    expect(maxAbsDiff(uniform['w']!.data, uniformMean)).toBeLessThan(1e-6);
    const weighted = new MultiKrumAggregator({ f: 1, m: 5, weighting: 'samples' }, silentLogger()).aggregate({
      round: 1,
      current: start,
      updates: round,
    });
    // Weighted by claims, the attacker owns the aggregate (10⁶ of 10⁶ + 400 samples).
    expect(maxAbsDiff(weighted['w']!.data, attackerPoint)).toBeLessThan(1e-4);
    expect(maxAbsDiff(uniform['w']!.data, attackerPoint)).toBeGreaterThan(3e-3);
  });

  it('with m = 1 is Krum', () => {
    const next = new MultiKrumAggregator({ f: 1, m: 1 }, silentLogger()).aggregate({ round: 1, current, updates });
    expect(valuesOf(next, 'w')).toEqual([2, 0]);
  });

  it('refuses m > n', () => {
    expect(() => new MultiKrumAggregator({ m: 6 }, silentLogger()).aggregate({ round: 8, current, updates })).toThrow(
      /multi-krum, round 8: m = 6 updates should be averaged but only 5 arrived/,
    );
  });
});

describe('robustness: 1–2 of 6 clients send updates scaled by 1e3', () => {
  const logger = silentLogger();
  const rules = [
    ['median', new MedianAggregator({}, logger)],
    ['trimmed-mean (beta 0.35 → trims 2 per end)', new TrimmedMeanAggregator({ beta: 0.35 }, logger)],
    ['krum (f = 1)', new KrumAggregator({ f: 1 }, logger)],
    ['multi-krum (f = 1, m = 3)', new MultiKrumAggregator({ f: 1, m: 3 }, logger)],
  ] as const;

  for (const attackers of [[3], [1, 4]]) {
    const { updates: round, honestMean, current: start } = scaledAttackRound(attackers);

    it(`plain FedAvg is pulled far away (attackers ${attackers.join(', ')})`, () => {
      const w = new FedAvgAggregator({}, logger).aggregate({ round: 1, current: start, updates: round })['w']!.data;
      // the honest coordinates are between 1 and 3; one attacker moves the mean by ~(1e3 − 1)/6 × that
      expect(maxAbsDiff(w, honestMean)).toBeGreaterThan(100);
    });

    it.each(rules)(`%s stays near the honest mean (attackers ${attackers.join(', ')})`, (_, agg) => {
      const w = agg.aggregate({ round: 1, current: start, updates: round })['w']!.data;
      // honest noise has σ = 0.01; any robust rule's output lies within a few σ of the honest mean
      expect(maxAbsDiff(w, honestMean)).toBeLessThan(0.05);
    });
  }
});
