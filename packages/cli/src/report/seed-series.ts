/**
 * Curves of a comparison with one line per strategy: the run's own values for a strategy that ran
 * once, and for one that ran over several seeds the mean per round with the sample standard
 * deviation as its spread (the band around the line), as the results tables report mean ± std.
 */
import type { ReportRun } from './report-data.js';
import type { LinePoint, LineSeries } from './svg/line-chart.js';

/** A run's value per round, as the chart plots it (null: nothing to measure that round). */
export type RunCurve = (run: ReportRun) => readonly { readonly x: number; readonly y: number | null }[];

/** One series per strategy name, in the order the strategies first appear in `runs`. */
export function seriesByStrategy(runs: readonly ReportRun[], curve: RunCurve): LineSeries[] {
  const names = [...new Set(runs.map((r) => r.name))];
  return names.map((name) => {
    const own = runs.filter((r) => r.name === name);
    if (own.length === 1) return { name, points: curve(own[0]!).map((p) => ({ x: p.x, y: p.y })) };
    return { name, points: meanAndSpread(own.map(curve)), note: `mean ± std, ${own.length} seeds` };
  });
}

/**
 * Per round that any seed has: the mean over the seeds with a value there and, with two or more
 * such seeds, their sample standard deviation (n − 1). A round no seed measured stays a gap.
 */
export function meanAndSpread(curves: readonly (readonly { readonly x: number; readonly y: number | null }[])[]): LinePoint[] {
  const rounds = [...new Set(curves.flatMap((c) => c.map((p) => p.x)))].sort((a, b) => a - b);
  return rounds.map((x) => {
    const values = curves.map((c) => c.find((p) => p.x === x)?.y).filter((v): v is number => typeof v === 'number');
    if (values.length === 0) return { x, y: null };
    const mean = values.reduce((a, v) => a + v, 0) / values.length;
    if (values.length < 2) return { x, y: mean, spread: null };
    const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1);
    return { x, y: mean, spread: Math.sqrt(variance) };
  });
}
