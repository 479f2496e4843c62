/** How a result row's cells read in every table of results: the HTML report, compare.md and compare.csv. */
import type { ShotAccuracy } from '@fedloge/core';
import { percent2 } from './format.js';
import type { MeasuredAt, ResultRow } from './result-rows.js';

/** `71.23` or `71.23 ± 0.45`; `–` where there is nothing to measure. */
export function percentWithStd(m: MeasuredAt | undefined, k: keyof ShotAccuracy): string {
  if (m === undefined) return '–';
  const mean = percent2(m.metrics[k]);
  const std = m.std?.[k];
  return std === undefined || std === null || mean === '–' ? mean : `${mean} ± ${(100 * std).toFixed(2)}`;
}

/** `10`, or `8/10/9` when the seeds' rounds differ; `–` for a row without that model. */
export function roundsText(m: MeasuredAt | undefined): string {
  if (m === undefined) return '–';
  return new Set(m.rounds).size === 1 ? String(m.rounds[0]) : m.rounds.join('/');
}

/** `masked`, `unmasked` or `–`. */
export function pmMaskingText(row: ResultRow): string {
  return row.pmMasked === undefined ? '–' : row.pmMasked ? 'masked' : 'unmasked';
}
