/** A simulation reporter that writes one JSON line per evaluated round to metrics.jsonl. */
import type { Reporter, RoundRecord } from '@fedloge/core';
import { RUN_FILES, type RunDirectory } from './run-directory.js';

/** The metrics.jsonl line of an evaluated round: the round record as plain JSON. */
export type MetricsLine = RoundRecord;

export class MetricsWriter implements Reporter {
  /** @param earlier rounds of a resumed run: written first, replacing whatever the file held. */
  constructor(
    private readonly dir: RunDirectory,
    private readonly earlier: readonly RoundRecord[] = [],
  ) {}

  onRunStart(): void {
    this.dir.truncate(RUN_FILES.metrics);
    for (const record of this.earlier) this.onRoundEnd(record);
  }

  onRoundEnd(record: RoundRecord): void {
    if (record.gm === undefined) return; // not evaluated this round
    this.dir.appendJsonLine(RUN_FILES.metrics, record satisfies MetricsLine);
  }
}
