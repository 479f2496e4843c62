/**
 * The library entry point: one federated run from a config object, exactly as `fedloge train`
 * runs it (same defaults, same validation and error messages, same run folder with metrics.jsonl,
 * metrics.csv, summary.json, report.html, checkpoints and the exported model), with a callback per
 * round and an AbortSignal instead of the terminal. It lives in @fedloge/cli because the config
 * schema, its defaults and the plugin container (core + strategies + datasets) live here; a
 * separate package would only re-export them.
 */
import { Writable } from 'node:stream';
import {
  consoleLogger,
  type ArrayRecord,
  type ClientStateStore,
  type Logger,
  type Plugin,
  type Reporter,
  type RoundRecord,
  type RunResult,
} from '@fedloge/core';
import { resolveInputPaths } from '../config/load-file.js';
import type { RunConfig, RunConfigInput } from '../config/schema.js';
import { validateConfig } from '../config/validate.js';
import type { RunSummary } from '../output/summary.js';
import { trainRun } from '../run/train-run.js';

export interface RunFederationOptions {
  /** Called after every round with its record (accuracies on evaluated rounds, losses, timings); awaited. */
  readonly onRound?: (record: RoundRecord) => void | Promise<void>;
  /**
   * Stops the run after the round in progress: a checkpoint and summary.json are written and the
   * promise rejects with `TrainInterrupted` (`fedloge train --resume <outDir>` continues the run).
   */
  readonly signal?: AbortSignal;
  /** Folder that relative paths in the config (plugins, dataset.dataDir, out, partition) resolve against. @default process.cwd() */
  readonly cwd?: string;
  /** Receives warnings and info lines. @default consoleLogger (stderr) */
  readonly logger?: Logger;
  /** Receives the progress lines and the final table `fedloge train` prints. @default discarded */
  readonly output?: NodeJS.WritableStream;
  /**
   * Plugin objects (strategies, aggregators, models, heads, datasets) to register besides the
   * modules in `config.plugins`, e.g. a strategy defined in the calling program. Worker threads
   * cannot receive them, so the run trains on the main thread (`workers` must be 0 or auto).
   */
  readonly plugins?: readonly Plugin[];
  /** Clear a non-empty output folder instead of refusing it (`--overwrite`). */
  readonly overwrite?: boolean;
  /**
   * Observers of the run's lifecycle (core's `Reporter`: run start with the initial global arrays, each round's
   * start, each client's update, evaluations, each round's end with the global arrays, the run's end), called
   * beside the run folder's own writers and awaited.
   */
  readonly reporters?: readonly Reporter[];
}

export interface FederationResult {
  /** The config as run: defaults filled in, paths absolute. */
  readonly config: RunConfig;
  /** The run folder (config.out, or runs/<timestamp>-<strategy> under `cwd`). */
  readonly outDir: string;
  /** Per-round records, the final and best rounds, per-class accuracy. */
  readonly metrics: RunResult;
  /** The trained global state (every array the strategy keeps globally, by name). */
  readonly global: ArrayRecord;
  /** Each client's personal state (`clientStates.get(k)`; undefined for a client that never trained or keeps none). */
  readonly clientStates: ClientStateStore;
  /** What summary.json holds. */
  readonly summary: RunSummary;
}

/**
 * Run one federation. `config` has the shape of a `fedloge train` config file (every field
 * optional; see config.schema.json), e.g. `{ strategy: { name: 'fedprox', options: { mu: 0.01 } },
 * rounds: 5, out: 'runs/prox' }`. Bad settings reject with a `ConfigError` listing every problem.
 */
export async function runFederation(config: RunConfigInput, options: RunFederationOptions = {}): Promise<FederationResult> {
  const cwd = options.cwd ?? process.cwd();
  const resolved = validateConfig(resolveInputPaths(config as Record<string, unknown>, cwd));
  const output = options.output ?? discard();
  const onRound = options.onRound;
  const reporters: Reporter[] = [
    ...(onRound ? [{ onRoundEnd: (record: RoundRecord) => onRound(record) }] : []),
    ...(options.reporters ?? []),
  ];
  const outcome = await trainRun(
    { config: resolved, configFile: undefined },
    { cwd, stdout: output, stderr: output, logger: options.logger ?? consoleLogger, tty: false },
    {
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.overwrite ? { overwrite: true } : {}),
      ...(options.plugins ? { plugins: options.plugins } : {}),
      ...(reporters.length > 0 ? { reporters } : {}),
    },
  );
  return {
    config: resolved,
    outDir: outcome.outDir,
    metrics: outcome.result,
    global: outcome.result.global,
    clientStates: outcome.clientStates,
    summary: outcome.summary,
  };
}

/** A stream that drops what it is given. */
function discard(): NodeJS.WritableStream {
  return new Writable({ write: (_chunk, _encoding, done) => done() });
}
