import { join } from 'node:path';
import { datasetCacheDir } from './cacheDir.js';
import type { ProgressCallback } from './download.js';

/** Where a loader looks for a data set's files, and whether it may download them. */
export interface DatasetSourceOptions {
  /**
   * Folder searched first: it may hold the files itself or the data set's usual sub-folder
   * (e.g. `cifar-10-batches-bin/`) or tarball, so one `--data-dir` can serve every data set.
   */
  readonly dataDir?: string;
  /** Download from the official URL when the files are nowhere to be found. @default true */
  readonly download?: boolean;
  /** Download progress, once per received chunk. */
  readonly onProgress?: ProgressCallback;
  /** Base URL to download from instead of the official one (a mirror; must end with `/`). */
  readonly mirror?: string;
  /** Also look where system packages install data sets (e.g. Debian's /usr/share/datasets). @default true */
  readonly searchSystemFolders?: boolean;
  /** Download cache; @default `$FEDLOGE_CACHE/<dataset>` or `~/.cache/fedloge/<dataset>` */
  readonly cacheDir?: string;
}

/**
 * The folders to search, in order: `dataDir`, `dataDir/<subfolder>`, the system folders (unless
 * `searchSystemFolders` is false), the cache.
 */
export function searchFolders(
  options: DatasetSourceOptions,
  cacheName: string,
  subfolders: readonly string[],
  systemFolders: readonly string[] = [],
): { folders: string[]; cacheDir: string } {
  const cacheDir = options.cacheDir ?? datasetCacheDir(cacheName);
  const folders: string[] = [];
  if (options.dataDir !== undefined) folders.push(options.dataDir, ...subfolders.map((s) => join(options.dataDir!, s)));
  folders.push(...(options.searchSystemFolders === false ? [] : systemFolders), cacheDir);
  return { folders: [...new Set(folders)], cacheDir };
}

/**
 * The error for "the data set is not here and could not be fetched": where we looked, why the
 * download did not happen, and how to fix it.
 */
export function dataNotFoundError(
  label: string,
  looked: readonly string[],
  downloadFailure: string,
  fixes: readonly string[],
  cause?: unknown,
): Error {
  return new Error(
    `${label} was not found. Looked in:\n${looked.map((l) => `  - ${l}`).join('\n')}\n` +
      `${downloadFailure}\nTo fix, either:\n${fixes.map((f) => `  - ${f}`).join('\n')}`,
    cause === undefined ? undefined : { cause },
  );
}
