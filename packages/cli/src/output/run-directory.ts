/**
 * The output folder of a run and the names of the files in it. The folder is created on first
 * write, so a run rejected during validation leaves nothing on disk.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { OutputWriteError, writeJsonAtomic } from './atomic-write.js';
import { makeFolders } from './output-path.js';

/** File names inside a run folder. */
export const RUN_FILES = {
  /** One JSON object per evaluated round. */
  metrics: 'metrics.jsonl',
  /** The same rounds as a flat table (metrics-csv.ts). */
  metricsCsv: 'metrics.csv',
  /** Resolved config, environment, timings, final and best metrics. */
  summary: 'summary.json',
  /** The trained model, for strategies with an export (`Strategy.exportModel`; FedLoGe: `fedloge predict`). */
  model: 'model',
  /** The HTML report (report/write-report.ts); compare writes one per strategy folder and one on top. */
  report: 'report.html',
} as const;

/** Folder of the checkpoints inside a run folder (run/checkpoints.ts). */
export const CHECKPOINT_DIR = 'checkpoints';

/**
 * Default output folder: `runs/<timestamp>-<strategy>` under `cwd`, the timestamp in UTC as
 * `YYYYMMDD-HHMMSS` so folders sort by start time.
 */
export function defaultRunDirectory(cwd: string, strategy: string, now: Date = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/\.\d+Z$/, '')
    .replace(/[-:]/g, '')
    .replace('T', '-');
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
    this.appendText(name, `${JSON.stringify(value)}\n`);
  }

  /** Append text (a metrics.csv row). */
  appendText(name: string, text: string): void {
    this.ensure();
    const file = this.file(name);
    try {
      appendFileSync(file, text);
    } catch (e) {
      throw new OutputWriteError(file, e);
    }
  }

  /** Start `name` afresh (empty), e.g. metrics.jsonl when a folder is reused. */
  truncate(name: string): void {
    this.ensure();
    const file = this.file(name);
    try {
      writeFileSync(file, '');
    } catch (e) {
      throw new OutputWriteError(file, e);
    }
  }

  /** Replace a JSON file atomically (summary.json). */
  writeJson(name: string, value: unknown): void {
    this.ensure();
    writeJsonAtomic(this.file(name), value);
  }

  /** Create the folder now (idempotent); returns its path. */
  ensure(): string {
    if (!this.created) {
      makeFolders(this.path);
      this.created = true;
    }
    return this.path;
  }
}
