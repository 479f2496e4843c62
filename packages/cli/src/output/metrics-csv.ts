/**
 * metrics.csv: the evaluated rounds of metrics.jsonl as one flat table for spreadsheets and plotting
 * scripts. One row per evaluated round; columns `round`, timings and loss, then accuracy / head /
 * middle / tail (fractions) of the headline GM and PM and of every variant the strategy reports, named
 * by its metrics.jsonl key (`gm/sse-c.acc`, `pm/la-fr/unmasked.tail`, …). The columns are fixed by the
 * first evaluated round; a value a later round lacks is left empty.
 */
import type { Reporter, RoundRecord, ShotAccuracy } from '@fedloge/core';
import { RUN_FILES, type RunDirectory } from './run-directory.js';

const SHOTS = ['acc', 'head', 'middle', 'tail'] as const;

/** The metric groups of a round: headline `gm`, `pm`, then every variant key, in record order. */
function groupsOf(record: RoundRecord): [string, ShotAccuracy | undefined][] {
  return [['gm', record.gm], ['pm', record.pm], ...Object.entries(record.variants ?? {})];
}

/** A CSV cell: numbers as JSON writes them, empty for missing values, text quoted when it needs it. */
function cell(value: number | string | null | undefined): string {
  if (value === null || value === undefined || (typeof value === 'number' && !Number.isFinite(value))) return '';
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export class MetricsCsvWriter implements Reporter {
  private groups: string[] | undefined;

  /** @param earlier rounds of a resumed run: written first, replacing whatever the file held. */
  constructor(
    private readonly dir: RunDirectory,
    private readonly earlier: readonly RoundRecord[] = [],
  ) {}

  onRunStart(): void {
    this.dir.truncate(RUN_FILES.metricsCsv);
    this.groups = undefined;
    for (const record of this.earlier) this.onRoundEnd(record);
  }

  onRoundEnd(record: RoundRecord): void {
    if (record.gm === undefined) return; // not evaluated this round
    if (this.groups === undefined) {
      this.groups = groupsOf(record).map(([name]) => name);
      const header = ['round', 'trainSeconds', 'evalSeconds', 'trainLoss', ...this.groups.flatMap((g) => SHOTS.map((s) => `${g}.${s}`))];
      this.dir.appendText(RUN_FILES.metricsCsv, `${header.map(cell).join(',')}\n`);
    }
    const byName = new Map(groupsOf(record));
    const row = [
      record.round,
      record.trainSeconds,
      record.evalSeconds,
      record.trainLoss,
      ...this.groups.flatMap((g) => SHOTS.map((s) => byName.get(g)?.[s])),
    ];
    this.dir.appendText(RUN_FILES.metricsCsv, `${row.map(cell).join(',')}\n`);
  }
}
