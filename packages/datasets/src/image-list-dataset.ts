/**
 * The common path of the large image data sets (ImageNet-LT, iNaturalist, any folder + list files):
 * given the listed images of the two splits, make sure the decoded cache is complete (running or
 * resuming the preprocessing pass) and open it as a {@link StreamedImageDataset}.
 */
import { resolve, join } from 'node:path';
import { datasetCacheDir } from './cache-dir.js';
import { sha256Hex } from './digest.js';
import { cacheFolderName, type CacheSplit, type FailedImage, type ImageCacheRequest } from './image-cache.js';
import type { ImageListEntry } from './image-list-file.js';
import { IMAGENET_NORMALIZATION, type Normalization } from './normalization.js';
import { preprocessImages, type PreprocessProgressCallback } from './preprocess-images.js';
import { IMAGENET_RESIZED_CROP } from './random-resized-crop.js';
import { StreamedImageDataset } from './streamed-image-dataset.js';

/** How the large image data sets are decoded, cached and cropped. Shared by their loaders. */
export interface ImageCacheOptions {
  /** Shorter side of the decoded images in the cache, in pixels. @default 256 */
  readonly resolution?: number;
  /** Side of the crops handed to the model (at most `resolution`). @default 224, or `resolution` when smaller */
  readonly imageSize?: number;
  /**
   * Folder of the decoded cache. @default `<FEDLOGE_CACHE or ~/.cache/fedloge>/<dataset>/decoded-<resolution>px-<digest of the lists>`
   */
  readonly imageCacheDir?: string;
  /** Images decoded at once by the preprocessing pass. @default the number of CPU cores */
  readonly concurrency?: number;
  /** Progress of the preprocessing pass, after every image. */
  readonly onPreprocessProgress?: PreprocessProgressCallback;
  /** Called after the pass once per image the cache lists as failed (missing or corrupt; this pass or an earlier one). */
  readonly onImageFailed?: (split: CacheSplit, image: FailedImage) => void;
  /** Train with random-resized-crop + flip (true) or on centre crops (false). @default true */
  readonly augment?: boolean;
  /** Aborting interrupts the preprocessing pass (resumable); loading then fails with {@link PreprocessInterrupted}. */
  readonly signal?: AbortSignal;
}

/** One split of a list-file data set: its images and the file that listed them (as read). */
export interface ListedSplit {
  readonly entries: readonly ImageListEntry[];
  /** Absolute path of the list / annotation file. */
  readonly source: string;
  /** The file's bytes, for the manifest's hash. */
  readonly sourceBytes: Uint8Array;
}

export interface ListedImageDataset {
  readonly name: string;
  /** Folder the entries' paths are relative to. */
  readonly imageRoot: string;
  readonly numClasses: number;
  readonly classNames?: readonly string[];
  readonly train: ListedSplit;
  /** The balanced evaluation split (global test set; local test sets are drawn from it). */
  readonly test: ListedSplit;
  /** @default the ImageNet mean and std */
  readonly normalization?: Normalization;
  /** Describes the check in the provenance, e.g. "ImageNet-LT list files". */
  readonly sourceLabel: string;
}

/** The preprocessing pass was stopped before it finished; what it decoded is kept and the next load resumes. */
export class PreprocessInterrupted extends Error {
  constructor(
    readonly dataset: string,
    readonly cacheDir: string,
    readonly reason: string,
  ) {
    super(
      `Decoding the ${dataset} images was interrupted by ${reason}; what was decoded is kept in ${cacheDir}: run the same command again to resume`,
    );
    this.name = 'PreprocessInterrupted';
  }
}

/** Preprocess (once) and open a list-file data set. */
export async function loadListedImageDataset(listed: ListedImageDataset, options: ImageCacheOptions = {}): Promise<StreamedImageDataset> {
  const resolution = options.resolution ?? 256;
  const imageSize = options.imageSize ?? Math.min(224, resolution);
  if (!(Number.isInteger(imageSize) && imageSize >= 1 && imageSize <= resolution)) {
    throw new RangeError(
      `${listed.name}: the image size ${imageSize} must be a whole number of pixels from 1 to the cache resolution ${resolution}`,
    );
  }
  for (const split of ['train', 'test'] as const) {
    for (const e of listed[split].entries) {
      if (e.label >= listed.numClasses)
        throw new RangeError(`${listed[split].source}: ${e.path} has class ${e.label} but the data set has ${listed.numClasses} classes`);
    }
  }
  const hashes = { train: sha256Hex(listed.train.sourceBytes), test: sha256Hex(listed.test.sourceBytes) };
  const request: ImageCacheRequest = {
    dataset: listed.name,
    side: resolution,
    splits: {
      train: { count: listed.train.entries.length, sourceSha256: hashes.train },
      test: { count: listed.test.entries.length, sourceSha256: hashes.test },
    },
  };
  const dir = resolve(options.imageCacheDir ?? join(datasetCacheDir(listed.name), cacheFolderName(request)));
  const split = (s: CacheSplit) => ({ entries: listed[s].entries, source: listed[s].source, sourceSha256: hashes[s] });
  const result = await preprocessImages({
    dir,
    dataset: listed.name,
    imageRoot: listed.imageRoot,
    side: resolution,
    splits: { train: split('train'), test: split('test') },
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    ...(options.onPreprocessProgress !== undefined ? { onProgress: options.onPreprocessProgress } : {}),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
  });
  if (!result.complete) throw new PreprocessInterrupted(listed.name, dir, String(options.signal?.reason ?? 'a stop request'));
  for (const s of ['train', 'test'] as const) for (const f of result.failed[s]) options.onImageFailed?.(s, f);
  return new StreamedImageDataset({
    dir,
    request,
    name: listed.name,
    numClasses: listed.numClasses,
    ...(listed.classNames !== undefined ? { classNames: listed.classNames } : {}),
    imageSize,
    normalization: listed.normalization ?? IMAGENET_NORMALIZATION,
    augmentation: options.augment === false ? null : { resizedCrop: IMAGENET_RESIZED_CROP, horizontalFlip: true },
    provenance: {
      files: (['train', 'test'] as const).map((s) => ({
        path: listed[s].source,
        bytes: listed[s].sourceBytes.length,
        records: listed[s].entries.length,
      })),
      check: `${listed.sourceLabel}; decoded cache ${dir} (${resolution} px) matches their SHA-256 and image counts`,
    },
  });
}
