import { describe, expect, it } from 'vitest';
import type { ShotAccuracy } from '../metrics/shot-accuracy.js';
import type { ShotSplit } from '../metrics/shot-split.js';
import { UnpredictedGroupWatch, describeClasses, groupPredictionCounts, type GroupPredictions } from './unpredicted-groups.js';

const split: ShotSplit = { head: [0, 1], middle: [2, 3, 4, 5], tail: [6, 7, 8, 9] };
const acc = (tail: number): ShotAccuracy => ({ acc: 0.5, head: 0.9, middle: 0.25, tail });
const counts = (middle: number, tail: number): GroupPredictions => ({ head: 100 - middle - tail, middle, tail });

/** Independent of the watch: the streaks of zeros in `seq` (1-based evaluation indices), as [from, to]. */
function zeroStreaks(seq: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  let start = -1;
  seq.forEach((v, i) => {
    if (v === 0 && start < 0) start = i;
    if (v !== 0 && start >= 0) {
      out.push([start, i - 1]);
      start = -1;
    }
  });
  if (start >= 0) out.push([start, seq.length - 1]);
  return out;
}

describe('groupPredictionCounts', () => {
  it('counts predictions by the group of the predicted class; -1 counts nowhere', () => {
    // head: 0, 0, 1 → 3; middle: 5 → 1; tail: 9, 6 → 2; -1 → none.
    expect(groupPredictionCounts([0, 0, 1, 9, -1, 5, 6], split, 10)).toEqual({ head: 3, middle: 1, tail: 2 });
  });
});

describe('UnpredictedGroupWatch', () => {
  // Evaluated every 5 rounds: rounds 5, 10, …, 60.
  const rounds = Array.from({ length: 12 }, (_, i) => 5 * (i + 1));
  const tail = [0, 0, 0, 0, 7, 0, 0, 0, 0, 0, 3, 0];
  const middle = [0, 0, 1, 0, 0, 0, 0, 2, 2, 2, 2, 2];

  function run(after: number) {
    const watch = new UnpredictedGroupWatch({
      after,
      split,
      testImages: 100,
      classNames: 'abcdefghij'.split(''),
      labels: { 'gm/a': 'GM A' },
    });
    const raisedAt: Record<string, number[]> = {};
    rounds.forEach((round, i) => {
      const fresh = watch.observe({
        round,
        gmPredicted: { 'gm/a': counts(middle[i]!, tail[i]!), 'gm/b': counts(40, 40) },
        variants: { 'gm/a': acc(tail[i] === 0 ? 0 : 0.1), 'gm/b': acc(0.4) },
      });
      for (const w of fresh) (raisedAt[`${w.variant}|${w.group}`] ??= []).push(round);
    });
    return { watch, raisedAt };
  }

  it('raises one warning per variant and group after `after` consecutive evaluations, and follows that streak', () => {
    const after = 3;
    const { watch, raisedAt } = run(after);
    // Expected from the sequences alone: the first zero streak at least `after` long raises, at its after-th evaluation.
    const expected = (seq: number[]) => {
      const first = zeroStreaks(seq).find(([a, b]) => b - a + 1 >= after)!;
      return {
        raisedAtRound: rounds[first[0] + after - 1]!,
        fromRound: rounds[first[0]]!,
        toRound: rounds[first[1]]!,
        n: first[1] - first[0] + 1,
      };
    };
    const t = expected(tail); // streak 5..20: raised at 15, runs to 20 (a later streak 30..50 is not warned again)
    const m = expected(middle); // streaks 5..10 (too short), 20..35: raised at 30
    expect(t).toEqual({ raisedAtRound: 15, fromRound: 5, toRound: 20, n: 4 });
    expect(m).toEqual({ raisedAtRound: 30, fromRound: 20, toRound: 35, n: 4 });
    expect(raisedAt).toEqual({ 'gm/a|tail': [t.raisedAtRound], 'gm/a|middle': [m.raisedAtRound] });

    const warnings = watch.warnings;
    expect(warnings.map((w) => [w.variant, w.group, w.raisedAtRound, w.fromRound, w.toRound, w.evaluations])).toEqual([
      ['gm/a', 'tail', t.raisedAtRound, t.fromRound, t.toRound, t.n],
      ['gm/a', 'middle', m.raisedAtRound, m.fromRound, m.toRound, m.n],
    ]);
    const [tw] = warnings;
    expect(tw!.classes).toEqual([6, 7, 8, 9]);
    expect(tw!.last).toEqual(acc(0));
    // The message names the variant, its label, the group, the classes, the rounds and the last accuracies.
    expect(tw!.message).toContain('gm/a (GM A) predicted no test image as a tail class in 3 consecutive evaluations (rounds 5–15)');
    expect(tw!.message).toContain('tail classes: 6 g, 7 h, 8 i, 9 j');
    expect(tw!.message).toContain(
      '0 of 100 test images predicted as tail, accuracy all 50.00 %, head 90.00 %, middle 25.00 %, tail 0.00 %',
    );
  });

  it('stays silent below the threshold and when turned off', () => {
    expect(run(5).raisedAt).toEqual({ 'gm/a|tail': [50] }); // only the tail streak 30..50 is 5 long
    expect(run(0).watch.warnings).toEqual([]);
    expect(run(13).watch.warnings).toEqual([]);
  });

  it('never counts an empty group, and an evaluation without counts for a variant ends its streaks', () => {
    const watch = new UnpredictedGroupWatch({ after: 2, split: { head: [0], middle: [1], tail: [] }, testImages: 10 });
    const only = (middle: number): GroupPredictions => ({ head: 10 - middle, middle, tail: 0 });
    watch.observe({ round: 1, gmPredicted: { 'gm/a': only(0) }, variants: {} });
    watch.observe({ round: 2, gmPredicted: {}, variants: {} });
    expect(watch.observe({ round: 3, gmPredicted: { 'gm/a': only(0) }, variants: {} })).toEqual([]);
    const [w] = watch.observe({ round: 4, gmPredicted: { 'gm/a': only(0) }, variants: {} });
    expect([w!.group, w!.fromRound, w!.toRound]).toEqual(['middle', 3, 4]);
  });

  it('refuses a negative or fractional threshold', () => {
    expect(() => new UnpredictedGroupWatch({ after: -1, split, testImages: 1 })).toThrow(/integer >= 0/);
    expect(() => new UnpredictedGroupWatch({ after: 1.5, split, testImages: 1 })).toThrow(/integer >= 0/);
  });
});

describe('describeClasses', () => {
  it('names up to 10 classes and gives ranges beyond', () => {
    expect(describeClasses([6, 7], ['a', 'b', 'c', 'd', 'e', 'f', 'frog', 'horse'])).toBe('6 frog, 7 horse');
    expect(describeClasses([...Array.from({ length: 50 }, (_, i) => 50 + i), 3, 40])).toBe('52 classes: 3, 40, 50–99');
  });
});
