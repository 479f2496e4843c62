/**
 * The table printed when a run ends: every GM and PM variant the strategy reported, with overall
 * and head/middle/tail accuracy, for the last round and the best round.
 */
import type { RunResult, ShotAccuracy } from '@fedloge/core';

/** `71.2` for 0.712; `-` for a group with nothing to measure. */
export function percent(x: number | null | undefined): string {
  return x === null || x === undefined ? '-' : (100 * x).toFixed(1);
}

/**
 * Rows: the headline GM and PM first, then every other variant (`gm/<name>`, `pm/<name>`,
 * `pm/<name>/unmasked`) in the order the strategy reported them.
 */
export function formatFinalTable(result: RunResult, pmMasking: boolean): string {
  const { final, best } = result;
  const rows: [string, ShotAccuracy][] = [
    ['GM', final.gm],
    [pmMasking ? 'PM (masked)' : 'PM', final.pm],
  ];
  if (pmMasking) rows.push(['PM (unmasked)', final.pmUnmasked]);
  const headlineGm = Object.keys(final.variants).find((k) => k.startsWith('gm/'));
  const headlinePm = Object.keys(final.variants).find((k) => k.startsWith('pm/'));
  const shown = new Set([headlineGm, headlinePm, headlinePm && `${headlinePm}/unmasked`]);
  for (const [name, acc] of Object.entries(final.variants)) if (!shown.has(name)) rows.push([`  ${name}`, acc]);

  const header = ['', 'acc', 'head', 'middle', 'tail'];
  const body = rows.map(([label, a]) => [label, percent(a.acc), percent(a.head), percent(a.middle), percent(a.tail)]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const names = [headlineGm && `GM = ${headlineGm}`, headlinePm && `PM = ${headlinePm}`].filter(Boolean).join(', ');
  return [
    `Results after round ${final.round} (accuracy %, ${names}):`,
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...body.map(line),
    '',
    `Best GM acc ${percent(best.gm.metrics.acc)} at round ${best.gm.round}; best PM acc ${percent(best.pm.metrics.acc)} at round ${best.pm.round}.`,
    `Total time ${result.totalSeconds.toFixed(1)} s.`,
  ].join('\n');
}
