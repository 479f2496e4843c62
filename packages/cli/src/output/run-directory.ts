/**
 * The output folder of a run and the names of the files in it. The folder is created on first
 * write, so a run rejected during validation leaves nothing on disk.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeJsonAtomic } from './atomic-write.js';

/** File names inside a run folder. */
export const RUN_FILES = {
  /** One JSON object per evaluated round. */
  metrics: 'metrics.jsonl',
  /** Resolved config, environment, timings, final and best metrics. */
  summary: 'summary.json',
  /** The trained model, for strategies with an export (`Strategy.exportModel`; FedLoGe: `fedloge predict`). */
  model: 'model',
} as const;

/**
 * Default output folder: `runs/<timestamp>-<strategy>` under `cwd`, the timestamp in UTC as
 * `YYYYMMDD-HHMMSS` so folders sort by start time.
 */
export function defaultRunDirectory(cwd: string, strategy: string, now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/\.\d+Z$/, '').replace(/[-:]/g, '').replace('T', '-');
  return resolve(cwd, 'runs', `${stamp}-${strategy}`);
}

export class RunDirectory {
  private created = false;

  constructor(readonly path: string) {}

  /** Absolute path of `name` inside the folder. */
  file(name: string): string {
    return join(this.path, name);
  }

  /** Append one JSON line (metrics.jsonl). */
  appendJsonLine(name: string, value: unknown): void {
    this.ensure();
    appendFileSync(this.file(name), `${JSON.stringify(value)}\n`);
  }

  /** Start `name` afresh (empty), e.g. metrics.jsonl when a folder is reused. */
  truncate(name: string): void {
    this.ensure();
    writeFileSync(this.file(name), '');
  }

  /** Replace a JSON file atomically (summary.json). */
  writeJson(name: string, value: unknown): void {
    this.ensure();
    writeJsonAtomic(this.file(name), value);
  }

  /** Create the folder now (idempotent); returns its path. */
  ensure(): string {
    if (!this.created) {
      mkdirSync(this.path, { recursive: true });
      this.created = true;
    }
    return this.path;
  }
}
