/**
 * What a loader read and how it knew the bytes were right, so a run can record it (summary.json)
 * and a reader can tell an official copy from a rebuilt one.
 */

/** One file the loader read. */
export interface DataFileRead {
  /** Absolute path; for a tarball entry, `<tarball>:<entry>`. */
  readonly path: string;
  readonly bytes: number;
  /** Records (images) in the file, where the format has a fixed record size. */
  readonly records?: number;
}

/** The files behind a loaded data set and the integrity check they passed. */
export interface DatasetProvenance {
  readonly files: readonly DataFileRead[];
  /** Which check passed, in words, e.g. "SHA256SUMS in /data/cifar-10-batches-bin (6 files)". */
  readonly check: string;
}
