/**
 * The table printed when a run ends: every GM and PM variant the strategy reported, with overall
 * and head/middle/tail accuracy after the last round, named by the strategy's labels (FedLoGe:
 * 'GM universal (SSE-C)', 'PM personalized (LA-FR)', …) and by key, as in metrics.jsonl.
 */
import { describeClasses, type RunResult, type ShotAccuracy } from '@fedloge/core';
import { variantLabel } from './variant-labels.js';

/** `71.2` for 0.712; `-` for a group with nothing to measure. */
export function percent(x: number | null | undefined): string {
  return x === null || x === undefined ? '-' : (100 * x).toFixed(1);
}

/** Marks the headline GM and PM rows (the `gm` and `pm` of metrics.jsonl and summary.json). */
export const HEADLINE_MARK = '*';

/**
 * Rows: the GM variants, then each PM variant masked and unmasked, in the order the strategy
 * reported them; the headline GM (first GM variant) and PM (first PM variant, masked or not as
 * `result.pmMasked` says) are marked. `labels` are the strategy's `variantLabels()`.
 */
export function formatFinalTable(
  result: RunResult,
  labels: Readonly<Record<string, string>> = {},
  /** The strategy's `scaledDown()`: printed above the table when defaults were scaled down for speed. */
  scaledDown?: string,
): string {
  const pmMasking = result.pmMasked;
  const { final, best } = result;
  const keys = Object.keys(final.variants);
  const gmKeys = keys.filter((k) => k.startsWith('gm/'));
  const pmKeys = keys.filter((k) => k.startsWith('pm/'));
  const firstPm = pmKeys[0];
  const headlines = new Set([gmKeys[0], firstPm && (pmMasking ? firstPm : `${firstPm}/unmasked`)]);
  const rows: [string, ShotAccuracy, string][] = [...gmKeys, ...pmKeys].map((key) => [
    `${variantLabel(key, labels)}${headlines.has(key) ? ` ${HEADLINE_MARK}` : ''}`,
    final.variants[key]!,
    key,
  ]);

  const header = ['', 'acc', 'head', 'middle', 'tail', 'key'];
  const body = rows.map(([label, a, key]) => [label, percent(a.acc), percent(a.head), percent(a.middle), percent(a.tail), key]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const numeric = (i: number) => i > 0 && i < header.length - 1;
  const line = (cells: string[]) =>
    cells.map((c, i) => (numeric(i) ? c.padStart(widths[i]!) : i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [
    ...(scaledDown ? [`SCALED DOWN FOR SPEED: ${scaledDown}`] : []),
    `Results after round ${final.round} (accuracy %; ${HEADLINE_MARK} = headline GM / PM; masked: classes absent from a client's local test set excluded; ` +
      `the headline PM is ${pmMasking ? 'masked' : 'unmasked'}, as ${result.strategy}'s reference reports it unless eval.pmMasking forces it):`,
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...body.map(line),
    '',
    `Best GM acc ${percent(best.gm.metrics.acc)} at round ${best.gm.round}; best PM acc ${percent(best.pm.metrics.acc)} at round ${best.pm.round}.`,
    `Total time ${result.totalSeconds.toFixed(1)} s.`,
    // Repeated here: in a long run the line printed when the warning was raised has scrolled away.
    ...result.warnings.map(
      (w) =>
        `WARNING: ${w.variant} predicted no ${w.group} class (${describeClasses(w.classes)}) in ${w.evaluations} consecutive ` +
        `evaluations, rounds ${w.fromRound}–${w.toRound} (summary.json warnings).`,
    ),
  ].join('\n');
}
