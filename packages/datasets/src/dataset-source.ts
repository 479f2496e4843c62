import { join } from 'node:path';
import { datasetCacheDir } from './cache-dir.js';
import type { ProgressCallback } from './download.js';

/** Where a loader looks for a data set's files, and whether it may download them. */
export interface DatasetSourceOptions {
  /**
   * The folder that holds the data set: the files themselves or the data set's usual sub-folder
   * (e.g. `cifar-10-batches-bin/`) or tarball, so one `--data-dir` can serve every data set. When
   * given, nothing else is searched and nothing is downloaded: a folder without the data is an error.
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
 * The folders to search, in order: `dataDir` and `dataDir/<subfolder>` when `dataDir` is given (and
 * nothing else, so a wrong `--data-dir` never silently reads another copy); otherwise the system
 * folders (unless `searchSystemFolders` is false), then the cache.
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
  else folders.push(...(options.searchSystemFolders === false ? [] : systemFolders), cacheDir);
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

/** The error for "`dataDir` was given but does not hold the data set" (no fall-back, no download). */
export function dataDirError(label: string, dataDir: string, looked: readonly string[], expected: string): Error {
  return new Error(
    `--data-dir ${dataDir} does not hold ${label}. Looked in:\n${looked.map((l) => `  - ${l}`).join('\n')}\n` +
      `Expected ${expected} there. Other folders are not searched and nothing is downloaded when --data-dir is given; ` +
      'point it at the folder that holds the files, or leave it out to use the standard places and the download cache.',
  );
}
