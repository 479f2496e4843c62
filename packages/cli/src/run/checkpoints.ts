/**
 * Checkpoints of a CLI run: `<out>/checkpoints/round-<r>.ckpt`, one self-checking file per kept
 * round (core's checkpoint format), written atomically after every `checkpoint.every` rounds and
 * when a signal stops the run. Besides the simulation state (global model, client state store,
 * aggregator state) each file holds the run's config and its hash, the records of every round so
 * far (so metrics.jsonl and summary.json can be rebuilt exactly) and how the random streams are
 * positioned: every stream is derived from the root seed by name and round (core RUN_STREAMS), so
 * the seed and the round are the whole RNG position.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { decodeCheckpoint, encodeCheckpoint, type Reporter, type RoundRecord, type SimulationCheckpoint } from '@fedloge/core';
import type { RunConfig } from '../config/schema.js';
import { writeFileAtomic } from '../output/atomic-write.js';
import { makeFolders } from '../output/output-path.js';
import { CHECKPOINT_DIR } from '../output/run-directory.js';

/**
 * Config keys that may differ between a run and its resume: where and how it runs, not what it
 * computes (results do not depend on worker threads; `out` is the resumed folder itself). The
 * backend's thread count only reorders the native kernels' float sums (a given count gives the
 * same bits), so it may change too, at the cost of the last digits.
 */
export const RESUME_FREE_KEYS: readonly string[] = ['out', 'workers', 'threads', 'checkpoint', 'exportPartition', 'exportInitial'];

/**
 * Nested keys that only change what a run reports, not what it computes; free on resume, and
 * left out of the hash, so runs checkpointed before such a key existed still resume.
 */
export const RESUME_FREE_NESTED_KEYS: readonly string[] = ['eval.warnUnpredictedAfter'];

/** The CLI's part of a checkpoint file. */
export interface CheckpointMeta {
  readonly configHash: string;
  readonly config: RunConfig;
  /** Every round's record up to the checkpoint's round, as metrics.jsonl/summary.json need them. */
  readonly records: readonly RoundRecord[];
  /** Seconds spent on the rounds so far (summed over interruptions). */
  readonly elapsedSeconds: number;
  /** When the run first started (ISO). */
  readonly startedAt: string;
  readonly rng: { readonly seed: number; readonly streams: string };
  /** The rounds after which the run was resumed so far. */
  readonly resumedAfter: readonly number[];
  /** The tensor backend the rounds ran on (`auto` may pick another one on another machine). */
  readonly backend: string;
}

export interface LoadedCheckpoint {
  readonly file: string;
  readonly checkpoint: SimulationCheckpoint;
  readonly meta: CheckpointMeta;
}

const fileName = (round: number) => `round-${String(round).padStart(5, '0')}.ckpt`;
const ROUND_OF = /^round-(\d+)\.ckpt$/;

/** The config's computing keys (RESUME_FREE_KEYS removed), as flat `a.b.c` → JSON text. */
export function flatConfig(config: RunConfig): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (value: unknown, path: string): void => {
    if (RESUME_FREE_NESTED_KEYS.includes(path)) return;
    if (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length > 0) {
      for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k);
    } else if (value !== undefined) {
      out.set(path, JSON.stringify(value));
    }
  };
  for (const [k, v] of Object.entries(config)) if (!RESUME_FREE_KEYS.includes(k)) walk(v, k);
  return out;
}

/** SHA-256 of the computing keys of `config`, independent of key order. */
export function configHash(config: RunConfig): string {
  const flat = [...flatConfig(config)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256').update(JSON.stringify(flat)).digest('hex');
}

/** `key: before → now` for every computing key that differs between two configs. */
export function configDifferences(before: RunConfig, now: RunConfig): string[] {
  const a = flatConfig(before);
  const b = flatConfig(now);
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  return keys.filter((k) => a.get(k) !== b.get(k)).map((k) => `${k}: ${a.get(k) ?? '(unset)'} → ${b.get(k) ?? '(unset)'}`);
}

/** Rounds of the checkpoint files in `runDir`, ascending. */
export function checkpointRounds(runDir: string): number[] {
  let names: string[];
  try {
    names = readdirSync(join(runDir, CHECKPOINT_DIR));
  } catch {
    return [];
  }
  return names
    .map((n) => ROUND_OF.exec(n)?.[1])
    .filter((r): r is string => r !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

/** The newest checkpoint of `runDir`, or undefined when it has none. Throws for a damaged file. */
export function readLatestCheckpoint(runDir: string): LoadedCheckpoint | undefined {
  const rounds = checkpointRounds(runDir);
  if (rounds.length === 0) return undefined;
  const file = join(runDir, CHECKPOINT_DIR, fileName(rounds[rounds.length - 1]!));
  const { checkpoint, meta } = decodeCheckpoint(readFileSync(file), file);
  const records = (meta as CheckpointMeta).records;
  // The records go with the simulation state, so its run-long checks (unpredicted class groups) continue.
  return { file, checkpoint: { ...checkpoint, history: records }, meta: meta as CheckpointMeta };
}

export interface CheckpointWriterOptions {
  readonly runDir: string;
  readonly config: RunConfig;
  /** The simulation's state after the round just ended (`Simulation.checkpoint`). */
  readonly state: () => SimulationCheckpoint;
  /** Write after every round where the run is about to stop, whatever `checkpoint.every` says. */
  readonly stopping?: () => boolean;
  /** The checkpoint resumed from, whose records and time come first. */
  readonly resumed?: LoadedCheckpoint;
  readonly startedAt: Date;
  /** The backend in use (`BackendInfo.name`). */
  readonly backend: string;
}

/** A reporter that writes the checkpoints and keeps the newest `checkpoint.keep`. */
export class CheckpointWriter implements Reporter {
  private readonly records: RoundRecord[];
  private readonly hash: string;
  private readonly earlierSeconds: number;
  private readonly started = performance.now();

  constructor(private readonly options: CheckpointWriterOptions) {
    this.records = [...(options.resumed?.meta.records ?? [])];
    this.earlierSeconds = options.resumed?.meta.elapsedSeconds ?? 0;
    this.hash = configHash(options.config);
  }

  /** The rounds after which this run was resumed, this resume included. */
  get resumedAfter(): readonly number[] {
    const { resumed } = this.options;
    return resumed ? [...(resumed.meta.resumedAfter ?? []), resumed.checkpoint.round] : [];
  }

  /** Seconds spent on the rounds before this resume. */
  get secondsBefore(): number {
    return this.earlierSeconds;
  }

  /** Records of every round so far, the resumed ones first. */
  get allRecords(): readonly RoundRecord[] {
    return this.records;
  }

  onRoundEnd(record: RoundRecord): void {
    this.records.push(record);
    const { every, keep } = this.options.config.checkpoint;
    if (record.round % every !== 0 && !this.options.stopping?.()) return;
    const meta: CheckpointMeta = {
      configHash: this.hash,
      config: this.options.config,
      records: this.records,
      elapsedSeconds: this.earlierSeconds + (performance.now() - this.started) / 1000,
      startedAt: this.options.resumed?.meta.startedAt ?? this.options.startedAt.toISOString(),
      rng: { seed: this.options.config.seed, streams: 'derived from the seed by name and round (core RUN_STREAMS)' },
      resumedAfter: this.resumedAfter,
      backend: this.options.backend,
    };
    const dir = join(this.options.runDir, CHECKPOINT_DIR);
    makeFolders(dir);
    writeFileAtomic(join(dir, fileName(record.round)), encodeCheckpoint(this.options.state(), meta));
    for (const round of checkpointRounds(this.options.runDir).slice(0, -keep)) rmSync(join(dir, fileName(round)), { force: true });
  }
}
