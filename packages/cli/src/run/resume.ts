/**
 * `--resume <run folder>`: the run's own config (from its newest checkpoint) is the lowest config
 * layer, so `fedloge train --resume runs/x` alone continues the run; a config file or flags that
 * change what the run computes are refused, naming the keys that differ.
 */
import { existsSync } from 'node:fs';
import { CheckpointFileError } from '@fedloge/core';
import { ConfigError, UsageError } from '../config/errors.js';
import type { ParsedConfigArgs } from '../config/flags.js';
import type { ConfigLayer } from '../config/merge.js';
import { resolveConfig, type ResolvedConfig } from '../config/resolve.js';
import { CHECKPOINT_DIR } from '../output/run-directory.js';
import { configDifferences, configHash, readLatestCheckpoint, type LoadedCheckpoint } from './checkpoints.js';

/**
 * `--resume` of a run that finished every round: nothing is left to do, which is success, so a
 * job that re-runs `--resume` after a preemption right at the end does not fail.
 */
export class RunAlreadyComplete extends Error {
  override readonly name = 'RunAlreadyComplete';
  constructor(
    readonly outDir: string,
    readonly rounds: number,
  ) {
    super(`--resume ${outDir}: the run already completed all ${rounds} rounds; nothing to resume.`);
  }
}

export interface ResumePlan {
  readonly resolved: ResolvedConfig;
  readonly resumed: LoadedCheckpoint;
}

/** Read the newest checkpoint of `args.resume` and resolve the config it must run with. Throws for a mismatch. */
export function planResume(args: ParsedConfigArgs & { resume: string }, cwd: string): ResumePlan {
  const dir = args.resume;
  if (!existsSync(dir)) throw new UsageError(`--resume ${dir}: no such folder.`);
  let resumed: LoadedCheckpoint | undefined;
  try {
    resumed = readLatestCheckpoint(dir);
  } catch (e) {
    if (e instanceof CheckpointFileError)
      throw new UsageError(`--resume ${dir}: ${e.message}. Delete that file to resume from an older kept checkpoint, if any.`);
    throw e;
  }
  if (resumed === undefined) {
    throw new UsageError(
      `--resume ${dir}: no checkpoint in ${dir}/${CHECKPOINT_DIR} (it is written after each round; was this folder made by fedloge train?).`,
    );
  }
  const { config: before, configHash: hash } = resumed.meta;
  if (configHash(before) !== hash)
    throw new UsageError(`--resume ${dir}: the config in ${resumed.file} does not match its hash (edited or damaged).`);

  const base: ConfigLayer = { values: { ...asLayerValues(before), out: dir }, describe: (path) => `${resumed.file} (${path.join('.')})` };
  const resolved = resolveConfig(args, cwd, [base]);
  if (resolved.config.out !== dir) {
    throw new UsageError(`--resume ${dir} continues the run in its own folder; leave out --out (got ${resolved.config.out}).`);
  }
  const differences = configDifferences(before, resolved.config);
  if (differences.length > 0) {
    throw new ConfigError(
      [...differences, 'only --workers, --threads, --checkpoint-every, --keep-checkpoints and --export-partition may change on resume'],
      `Cannot resume ${dir}: the config differs from the one the run started with`,
    );
  }
  if (resumed.checkpoint.round >= resolved.config.rounds) throw new RunAlreadyComplete(dir, resolved.config.rounds);
  return { resolved, resumed };
}

/**
 * A resolved config as a config layer: `clients.perRound` is computed from `fraction` when that
 * was given, and the two may not be set together.
 */
function asLayerValues(config: ResolvedConfig['config']): Record<string, unknown> {
  const { clients, ...rest } = config;
  return { ...rest, clients: clients.fraction !== undefined ? { total: clients.total, fraction: clients.fraction } : clients };
}
