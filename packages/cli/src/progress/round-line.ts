/** One-line summaries of a round, shared by the TTY and the plain progress output. */
import type { RoundRecord, ShotAccuracy } from '@fedloge/core';
import { percent } from '../output/final-table.js';

/** `45.2 (h 60.1 m 40.0 t 10.2)`. */
export function formatShot(a: ShotAccuracy): string {
  return `${percent(a.acc)} (h ${percent(a.head)} m ${percent(a.middle)} t ${percent(a.tail)})`;
}

/** `round 3/10  loss 1.2345  GM 45.2 (h … )  PM 70.1 (…)  train 12.3s  eval 1.1s`. */
export function formatRoundLine(record: RoundRecord, rounds: number): string {
  const parts = [`round ${record.round}/${rounds}`, `loss ${record.trainLoss === null ? '-' : record.trainLoss.toFixed(4)}`];
  if (record.gm) parts.push(`GM ${formatShot(record.gm)}`);
  if (record.pm) parts.push(`PM ${formatShot(record.pm)}`);
  const discarded = record.clients.filter((c) => c.discarded).length;
  if (!record.globalUpdated) parts.push(`all ${discarded} updates dropped (NaN/Inf): global model unchanged`);
  else if (discarded > 0) parts.push(`${discarded} update(s) discarded`);
  parts.push(`train ${record.trainSeconds.toFixed(1)}s`);
  if (record.evalSeconds > 0) parts.push(`eval ${record.evalSeconds.toFixed(1)}s`);
  return parts.join('  ');
}
