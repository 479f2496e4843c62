/**
 * The small data types shared by the framework and the dataset loaders. Nothing here imports a
 * tensor library: loaders produce plain typed arrays and the engine turns them into tensors.
 */
import type { Rng } from './random.js';

/** Which official split an index refers to. */
export type SplitName = 'train' | 'test';

/** One official split of an image-classification data set. */
export interface ImageSplit {
  /** Number of examples in the split. */
  readonly count: number;
  /** Label of every example, in the split's official order. */
  readonly labels: Uint8Array | Int32Array;
}

/** Options for assembling a batch. */
export interface FillBatchOptions {
  /** Apply the data set's train-time augmentation (e.g. random crop + flip for CIFAR). */
  readonly augment: boolean;
  /** Stream the augmentation draws from; required when `augment` is true. */
  readonly rng?: Rng;
}

/**
 * An in-memory image-classification data set with its two official splits.
 * Images are NHWC; `fillBatch` writes normalised float32 pixels.
 */
export interface ImageDataset {
  /** Short id, e.g. `fashion-mnist`, `cifar10`, `cifar100`. */
  readonly name: string;
  readonly numClasses: number;
  /** [height, width, channels]. */
  readonly imageShape: readonly [number, number, number];
  readonly classNames?: readonly string[];
  readonly train: ImageSplit;
  readonly test: ImageSplit;
  /**
   * The train split is long-tailed as published (ImageNet-LT, iNaturalist): federated partitioning
   * uses all of it instead of drawing an exponential-profile subset. @default false
   */
  readonly longTailed?: boolean;
  /**
   * Write the normalised (and, if asked, augmented) images of `indices` from `split` into `out`,
   * which must hold `indices.length * h * w * c` floats (NHWC).
   */
  fillBatch(split: SplitName, indices: ArrayLike<number>, out: Float32Array, options: FillBatchOptions): void;
  /** The files the loader read and the integrity check they passed (recorded in summary.json); absent for data built in memory. */
  readonly provenance?: DatasetProvenance | undefined;
}

/** One file a loader read. */
export interface DataFileRead {
  /** Absolute path; for a tarball entry, `<tarball>:<entry>`. */
  readonly path: string;
  readonly bytes: number;
  /** Records (images) in the file, where the format has a fixed record size. */
  readonly records?: number;
}

/**
 * What a loader read and how it knew the bytes were right, so a run can record it (summary.json)
 * and a reader can tell an official copy from a rebuilt one.
 */
export interface DatasetProvenance {
  readonly files: readonly DataFileRead[];
  /** Which check passed, in words, e.g. "SHA256SUMS in /data/cifar-10-batches-bin (6 files)". */
  readonly check: string;
}

/**
 * How the long-tailed training set is split over clients, and each client's local test set.
 * This is exactly the `--export-partition` file format.
 */
export interface PartitionFile {
  readonly dataset: string;
  readonly numClasses: number;
  /** Per client: indices into the official train split. Their union is the long-tailed train set. */
  readonly trainIndices: number[][];
  /** Per client: indices into the official (balanced) test split. May overlap across clients. */
  readonly localTestIndices: number[][];
}

/** A data set together with its federated partition: everything a simulation needs as data. */
export interface FederatedData {
  readonly dataset: ImageDataset;
  readonly partition: PartitionFile;
}

/** Histogram of `labels[indices]` over `numClasses` classes. */
export function classHistogram(labels: ArrayLike<number>, indices: ArrayLike<number>, numClasses: number): number[] {
  const h = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < indices.length; i++) {
    const y = labels[indices[i]!]!;
    h[y] = h[y]! + 1;
  }
  return h;
}
