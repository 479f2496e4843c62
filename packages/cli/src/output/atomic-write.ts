/** Whole-file writes that never leave a half-written file behind (temp file + rename). */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** A file of the run could not be written (disk full, folder removed, …); names the file. */
export class OutputWriteError extends Error {
  override readonly name = 'OutputWriteError';
  constructor(
    readonly path: string,
    cause: unknown,
  ) {
    const e = cause as NodeJS.ErrnoException;
    super(`Could not write ${path}: ${e.code ? `${e.code}, ` : ''}${e.message ?? String(cause)}`, { cause });
  }
}

/**
 * Write `data` to `path` through a temporary sibling and a rename, which is atomic on POSIX file
 * systems: readers see either the old file or the whole new one, even if the process dies mid-write.
 * On failure (e.g. ENOSPC) the temporary file is removed and an OutputWriteError names `path`.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(temp, data);
    renameSync(temp, path);
  } catch (e) {
    rmSync(temp, { force: true });
    throw new OutputWriteError(path, e);
  }
}

/** `writeFileAtomic` of `value` as 2-space JSON with a trailing newline. */
export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}
