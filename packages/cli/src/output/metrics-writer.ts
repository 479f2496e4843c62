/** A simulation reporter that writes one JSON line per evaluated round to metrics.jsonl. */
import type { Reporter, RoundRecord } from '@fedloge/core';
import { RUN_FILES, type RunDirectory } from './run-directory.js';

/** The metrics.jsonl line of an evaluated round: the round record as plain JSON. */
export type MetricsLine = RoundRecord;

export class MetricsWriter implements Reporter {
  constructor(private readonly dir: RunDirectory) {}

  onRunStart(): void {
    this.dir.truncate(RUN_FILES.metrics);
  }

  onRoundEnd(record: RoundRecord): void {
    if (record.gm === undefined) return; // not evaluated this round
    this.dir.appendJsonLine(RUN_FILES.metrics, record satisfies MetricsLine);
  }
}
