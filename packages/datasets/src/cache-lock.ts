/**
 * A lock file that keeps two processes from filling the same image cache at once (two runs started
 * together would otherwise write the same records and status bytes). It holds the owner's pid; a
 * lock whose process is gone (a crashed pass) is taken over.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_FILE = '.lock';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Take the lock of `dir` or throw, naming the process that holds it. Returns the release function. */
export function lockCacheDir(dir: string): () => void {
  const file = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) {
        throw new Error(
          `Another process (pid ${owner}) is decoding images into ${dir}; wait for it to finish, or delete ${file} if that process is not a FedLoGe run`,
          { cause: e },
        );
      }
      rmSync(file, { force: true });
    }
  }
  throw new Error(`Could not take the lock ${file}; delete it and try again`);
}
