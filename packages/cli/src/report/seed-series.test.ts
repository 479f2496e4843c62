import { describe, expect, it } from 'vitest';
import type { ReportRun } from './report-data.js';
import { meanAndSpread, seriesByStrategy } from './seed-series.js';

/** A run whose only content is its name, seed and train loss per round. */
function run(name: string, seed: number | undefined, losses: readonly (number | null)[]): ReportRun {
  const zero = { acc: 0, head: 0, middle: 0, tail: 0 };
  return {
    name,
    ...(seed === undefined ? {} : { seed }),
    rounds: [],
    best: { gm: { round: 1, metrics: zero }, pm: { round: 1, metrics: zero } },
    perClassGm: [],
    losses: losses.map((loss, i) => ({ round: i + 1, loss })),
  };
}
const lossCurve = (r: ReportRun) => (r.losses ?? []).map((p) => ({ x: p.round, y: p.loss }));

describe('meanAndSpread', () => {
  it('gives the mean and the sample standard deviation per round, by hand', () => {
    // Round 1: 1, 2, 6 -> mean 3, deviations -2, -1, 3 -> variance 14 / 2 = 7.
    // Round 2: 4, 4, 4 -> mean 4, std 0.
    const points = meanAndSpread([
      [
        { x: 1, y: 1 },
        { x: 2, y: 4 },
      ],
      [
        { x: 1, y: 2 },
        { x: 2, y: 4 },
      ],
      [
        { x: 1, y: 6 },
        { x: 2, y: 4 },
      ],
    ]);
    expect(points[0]!.y).toBe(3);
    expect(points[0]!.spread).toBeCloseTo(Math.sqrt(7), 12);
    expect(points[1]).toEqual({ x: 2, y: 4, spread: 0 });
  });

  it('averages the seeds that have a value, leaves one value without a spread and no value a gap', () => {
    const points = meanAndSpread([
      [
        { x: 1, y: 2 },
        { x: 2, y: null },
        { x: 3, y: null },
      ],
      [
        { x: 1, y: 4 },
        { x: 2, y: 5 },
        { x: 3, y: null },
      ],
    ]);
    expect(points).toEqual([
      { x: 1, y: 3, spread: Math.SQRT2 },
      { x: 2, y: 5, spread: null },
      { x: 3, y: null },
    ]);
  });
});

describe('seriesByStrategy', () => {
  it('keeps a single run as it is and folds the seeds of a strategy into one banded series', () => {
    const series = seriesByStrategy([run('fedavg', 1, [2, 1]), run('fedavg', 2, [4, 3]), run('fedloge', undefined, [1.5, 0.5])], lossCurve);
    expect(series.map((s) => [s.name, s.note])).toEqual([
      ['fedavg', 'mean ± std, 2 seeds'],
      ['fedloge', undefined],
    ]);
    expect(series[0]!.points).toEqual([
      { x: 1, y: 3, spread: Math.SQRT2 },
      { x: 2, y: 2, spread: Math.SQRT2 },
    ]);
    expect(series[1]!.points).toEqual([
      { x: 1, y: 1.5 },
      { x: 2, y: 0.5 },
    ]);
  });
});
