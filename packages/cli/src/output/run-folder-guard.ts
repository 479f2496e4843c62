/**
 * A run folder is never silently overwritten: a non-empty `--out` is refused unless the run is
 * resumed into it or `--overwrite` asks for it to be cleared, and `--overwrite` clears only what
 * runs write, so a mistyped `--out ~` cannot delete anything else.
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../config/errors.js';
import { CHECKPOINT_DIR, RUN_FILES } from './run-directory.js';

/** What a run writes into its folder (besides `.<name>.<pid>.tmp` files of interrupted writes and predictions). */
const RUN_ENTRIES = new Set<string>([
  RUN_FILES.metrics,
  RUN_FILES.metricsCsv,
  RUN_FILES.summary,
  RUN_FILES.model,
  RUN_FILES.report,
  CHECKPOINT_DIR,
]);
const isTemp = (name: string) => /^\..+\.tmp$/.test(name);
/** `fedloge predict` writes its default outputs into the run folder; they belong to the run's model. */
const isPrediction = (name: string) => /^predictions-.+\.(jsonl|csv)$/.test(name);
const isRunEntry = (name: string) => RUN_ENTRIES.has(name) || isTemp(name) || isPrediction(name);

/** How the run treats an existing folder. */
export type RunFolderMode = 'new' | 'overwrite' | 'resume';

/** The folder's entries; empty when it does not exist. */
function entries(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

/**
 * Throws a UsageError when `path` holds anything and `mode` is 'new', or holds files a run did not
 * write and `mode` is 'overwrite'. Writes nothing.
 */
export function checkRunFolder(path: string, mode: RunFolderMode): void {
  const found = entries(path);
  if (found.length === 0 || mode === 'resume') return;
  const shown = found.slice(0, 5).join(', ') + (found.length > 5 ? ', …' : '');
  if (mode === 'new') {
    throw new UsageError(
      `--out ${path} is not empty (${shown}). Continue that run with --resume ${path}, replace it with --overwrite, ` +
        'or choose another --out.',
    );
  }
  const foreign = found.filter((n) => !isRunEntry(n));
  if (foreign.length > 0) {
    throw new UsageError(
      `--overwrite refuses to clear ${path}: it holds files no run wrote (${foreign.slice(0, 5).join(', ')}). ` +
        'Remove them yourself or choose another --out.',
    );
  }
}

/** Remove what runs write from `path` (after `checkRunFolder(path, 'overwrite')` passed). */
export function clearRunFolder(path: string): void {
  for (const name of entries(path)) if (isRunEntry(name)) rmSync(join(path, name), { recursive: true, force: true });
}

/** Remove leftover temporary files of writes cut short (a killed process) from `path`. */
export function removeStrayTempFiles(path: string): void {
  for (const name of entries(path)) if (isTemp(name)) rmSync(join(path, name), { force: true });
}
