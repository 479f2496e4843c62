/**
 * Re-running a sweep continues it: a point whose run completed with the same config (summary.json
 * and the result the sweep kept beside its folder) is not trained again, and a point with a
 * checkpoint of the same config resumes from it, as `train --resume` does. The kept result is the
 * run's RunResult without its arrays (`<point>/seed-<s>.result.json`), since the comparison needs
 * every round and the per-client PM, which summary.json does not hold.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { RunResult } from '@fedloge/core';
import type { RunConfig } from '../config/schema.js';
import { writeFileAtomic } from '../output/atomic-write.js';
import { RUN_FILES } from '../output/run-directory.js';
import type { RunSummary } from '../output/summary.js';
import { configHash, readLatestCheckpoint, type LoadedCheckpoint } from '../run/checkpoints.js';
import type { TrainOutcome } from '../run/train-run.js';
import { join } from 'node:path';

/** What a point's run folder holds: a finished run to reuse, a checkpoint to resume, or nothing of this config. */
export type PointState =
  | { readonly kind: 'done'; readonly outcome: Pick<TrainOutcome, 'outDir' | 'result' | 'summary'> }
  | { readonly kind: 'resume'; readonly checkpoint: LoadedCheckpoint }
  | { readonly kind: 'new' };

/** Where the sweep keeps the result of the run in `runDir`. */
export function resultFile(runDir: string): string {
  return `${runDir}.result.json`;
}

export function pointState(runDir: string, config: RunConfig): PointState {
  if (!existsSync(runDir)) return { kind: 'new' };
  const hash = configHash(config);
  const summaryPath = join(runDir, RUN_FILES.summary);
  if (existsSync(summaryPath) && existsSync(resultFile(runDir))) {
    const summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as RunSummary & { interrupted?: unknown };
    if (summary.final !== null && !summary.interrupted && configHash(summary.config) === hash) {
      const result = { ...(JSON.parse(readFileSync(resultFile(runDir), 'utf8')) as Omit<RunResult, 'global'>), global: {} };
      return { kind: 'done', outcome: { outDir: runDir, result, summary } };
    }
  }
  const checkpoint = readLatestCheckpoint(runDir);
  if (checkpoint && configHash(checkpoint.meta.config) === hash && checkpoint.checkpoint.round < config.rounds) {
    return { kind: 'resume', checkpoint };
  }
  return { kind: 'new' };
}

/** Keep `result` (without its arrays) for a later run of the same sweep. */
export function keepResult(runDir: string, result: RunResult): void {
  const { global: _arrays, ...rest } = result;
  writeFileAtomic(resultFile(runDir), `${JSON.stringify(rest)}\n`);
}
