/**
 * The numbers of a results table, one row per strategy, as in the FedLoGe paper's tables: GM and
 * PM accuracy overall and on head/middle/tail classes, after the last round and at the best round.
 * GM and PM best rounds are chosen separately (the reference's searchBest), so they may differ.
 * The HTML report, compare.md and compare.csv all print these rows.
 */
import type { ShotAccuracy } from '@fedloge/core';
import type { ReportRun } from './report-data.js';

/** GM or PM accuracy measured at a given round. */
export interface MeasuredAt {
  readonly round: number;
  readonly metrics: ShotAccuracy;
}

export interface ResultRow {
  readonly strategy: string;
  readonly last: { readonly gm: MeasuredAt; readonly pm: MeasuredAt };
  readonly best: { readonly gm: MeasuredAt; readonly pm: MeasuredAt };
}

/** Which of a row's two selections a table shows. */
export type RoundSelection = keyof Pick<ResultRow, 'last' | 'best'>;

/** The four accuracy columns, in paper order (All, Many, Medium, Few). */
export const SHOT_COLUMNS = ['acc', 'head', 'middle', 'tail'] as const satisfies readonly (keyof ShotAccuracy)[];

/** One row per run. Throws when a run has no evaluated round (nothing to report). */
export function resultRows(runs: readonly ReportRun[]): ResultRow[] {
  return runs.map((run) => {
    const last = run.rounds[run.rounds.length - 1];
    if (last === undefined) throw new Error(`Run '${run.name}' has no evaluated round; a report needs at least one evaluation`);
    return {
      strategy: run.name,
      last: { gm: { round: last.round, metrics: last.gm }, pm: { round: last.round, metrics: last.pm } },
      best: { gm: run.best.gm, pm: run.best.pm },
    };
  });
}
