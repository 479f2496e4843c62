/** Whole-file writes that never leave a half-written file behind (temp file + rename). */
import { renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Write `text` to `path` through a temporary sibling and a rename, which is atomic on POSIX file
 * systems: readers see either the old file or the whole new one, even if the process dies mid-write.
 */
export function writeFileAtomic(path: string, text: string): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  writeFileSync(temp, text);
  renameSync(temp, path);
}

/** `writeFileAtomic` of `value` as 2-space JSON with a trailing newline. */
export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}
