/**
 * An image data set read from its decoded cache (image-cache.ts) batch by batch, never held in
 * memory: `fillBatch` reads each image with one positional read into a reused buffer and writes it
 * as normalised float32 — random-resized-crop + flip when training, a centre crop for evaluation.
 * Memory: 8 bytes per image (label and record number) plus one stored image; the page cache does
 * the rest, as a memory map would.
 */
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import type { FillBatchOptions, ImageDataset, ImageSplit, SplitName } from '@fedloge/core/data';
import {
  CACHE_SPLITS,
  IMAGE_STATUS,
  manifestMismatches,
  readManifest,
  recordBytes,
  splitFile,
  type CacheSplit,
  type FailedImage,
  type ImageCacheManifest,
  type ImageCacheRequest,
} from './image-cache.js';
import type { Normalization } from './normalization.js';
import type { DatasetProvenance } from './provenance.js';
import { centreCrop, drawResizedCrop, normalizationAffine, writeResizedCrop, type ResizedCropSpec } from './random-resized-crop.js';

/** A split read from the cache: the images that decoded, in list order. */
export interface StreamedImageSplit extends ImageSplit {
  readonly labels: Int32Array;
  /** Record number in the cache file of each image of the split (failed images are left out). */
  readonly records: Int32Array;
}

export interface StreamedImageDatasetInit {
  /** The cache folder, complete and matching `request`. */
  readonly dir: string;
  readonly request: ImageCacheRequest;
  readonly name: string;
  readonly numClasses: number;
  readonly classNames?: readonly string[];
  /** Side of the images handed to the model (crop size); at most the cache's resolution. */
  readonly imageSize: number;
  readonly normalization: Normalization;
  /** Train-time augmentation; null trains on centre crops. */
  readonly augmentation: { readonly resizedCrop: ResizedCropSpec; readonly horizontalFlip: boolean } | null;
  readonly provenance?: DatasetProvenance;
}

export class StreamedImageDataset implements ImageDataset {
  readonly name: string;
  readonly numClasses: number;
  readonly imageShape: readonly [number, number, number];
  readonly classNames: readonly string[] | undefined;
  readonly train: StreamedImageSplit;
  readonly test: StreamedImageSplit;
  /** The long tail is the data set's own: partitioning keeps every train image. */
  readonly longTailed = true;
  readonly provenance: DatasetProvenance | undefined;
  /** Images the preprocessing pass could not decode (left out of the splits). */
  readonly failedImages: Readonly<Record<CacheSplit, readonly FailedImage[]>>;
  readonly manifest: ImageCacheManifest;
  private readonly side: number;
  private readonly size: number;
  private readonly fds: Record<CacheSplit, number>;
  private readonly record: Uint8Array;
  private readonly affine: ReturnType<typeof normalizationAffine>;
  private readonly augmentation: StreamedImageDatasetInit['augmentation'];

  constructor(init: StreamedImageDatasetInit) {
    const manifest = readManifest(init.dir);
    if (manifest === undefined)
      throw new Error(`${init.dir} holds no image cache (manifest.json is missing); run the preprocessing pass first`);
    const problems = manifestMismatches(manifest, init.request);
    const incomplete = CACHE_SPLITS.filter((s) => !manifest.splits[s].complete);
    if (problems.length > 0 || incomplete.length > 0) {
      throw new Error(
        `The image cache in ${init.dir} cannot be read: ${[...problems, ...incomplete.map((s) => `the ${s} split is not fully decoded`)].join('; ')}`,
      );
    }
    if (!(Number.isInteger(init.imageSize) && init.imageSize >= 1 && init.imageSize <= manifest.side)) {
      throw new RangeError(
        `${init.name}: the image size ${init.imageSize} must be a whole number of pixels from 1 to the cache's resolution ${manifest.side}`,
      );
    }
    if (init.normalization.mean.length !== 3 || init.normalization.std.length !== 3) {
      throw new RangeError(`${init.name}: the normalisation must have 3 means and 3 stds (RGB)`);
    }
    this.manifest = manifest;
    this.name = init.name;
    this.numClasses = init.numClasses;
    this.classNames = init.classNames;
    this.side = manifest.side;
    this.size = init.imageSize;
    this.imageShape = [init.imageSize, init.imageSize, 3];
    this.affine = normalizationAffine(init.normalization);
    this.augmentation = init.augmentation;
    this.provenance = init.provenance;
    this.record = new Uint8Array(recordBytes(this.side));
    this.failedImages = { train: manifest.splits.train.failed, test: manifest.splits.test.failed };
    this.train = this.readSplit(init.dir, 'train');
    this.test = this.readSplit(init.dir, 'test');
    this.fds = { train: openSync(splitFile(init.dir, 'train', 'pixels'), 'r'), test: openSync(splitFile(init.dir, 'test', 'pixels'), 'r') };
  }

  private readSplit(dir: string, split: CacheSplit): StreamedImageSplit {
    const count = this.manifest.splits[split].count;
    const labelsFile = splitFile(dir, split, 'labels');
    const pixelsFile = splitFile(dir, split, 'pixels');
    const status = readFileSync(splitFile(dir, split, 'status'));
    const labelBytes = readFileSync(labelsFile);
    if (status.length !== count || labelBytes.length !== 4 * count || statSync(pixelsFile).size !== count * recordBytes(this.side)) {
      throw new Error(
        `The image cache in ${dir} is damaged: the ${split} files do not hold ${count} images; delete the folder to rebuild it`,
      );
    }
    const allLabels = new Int32Array(labelBytes.buffer, labelBytes.byteOffset, count);
    const records: number[] = [];
    for (let i = 0; i < count; i++) if (status[i] === IMAGE_STATUS.stored) records.push(i);
    const labels = Int32Array.from(records, (r) => allLabels[r]!);
    for (let i = 0; i < labels.length; i++) {
      if (!(labels[i]! >= 0 && labels[i]! < this.numClasses)) {
        throw new RangeError(
          `${this.name} ${split} split: image ${records[i]} has label ${labels[i]} but there are ${this.numClasses} classes`,
        );
      }
    }
    return { count: records.length, labels, records: Int32Array.from(records) };
  }

  /**
   * Write the normalised images `indices` of `split` into `out` (NHWC float32, imageSize² · 3 per
   * image). With `augment: true`, each image draws its crop window and then its flip from
   * `options.rng`, in index order; otherwise it is the centre imageSize × imageSize crop.
   */
  fillBatch(split: SplitName, indices: ArrayLike<number>, out: Float32Array, options: FillBatchOptions): void {
    const source = split === 'train' ? this.train : split === 'test' ? this.test : undefined;
    if (source === undefined) throw new RangeError(`${this.name}.fillBatch: unknown split '${String(split)}' (expected 'train' or 'test')`);
    const pixelsPerImage = this.size * this.size * 3;
    if (out.length < indices.length * pixelsPerImage) {
      throw new RangeError(
        `${this.name}.fillBatch: output holds ${out.length} floats but ${indices.length} images of ${this.imageShape.join('×')} need ${indices.length * pixelsPerImage}`,
      );
    }
    const augmentation = options.augment ? this.augmentation : null;
    if (augmentation !== null && options.rng === undefined) {
      throw new TypeError(`${this.name}.fillBatch: augment is true but no rng was given to draw the crops and flips from`);
    }
    const fd = this.fds[split];
    const bytes = this.record.length;
    const centre = centreCrop(this.side, this.side, this.size);
    for (let i = 0; i < indices.length; i++) {
      const index = indices[i]!;
      if (!Number.isInteger(index) || index < 0 || index >= source.count) {
        throw new RangeError(`${this.name}.fillBatch: indices[${i}] = ${index} is not an image of the ${split} split [0, ${source.count})`);
      }
      const read = readSync(fd, this.record, 0, bytes, source.records[index]! * bytes);
      if (read !== bytes)
        throw new Error(`${this.name}: the ${split} cache file ended early at image ${index}; delete the cache folder to rebuild it`);
      let window = centre;
      let flip = false;
      if (augmentation !== null) {
        window = drawResizedCrop(augmentation.resizedCrop, this.side, this.side, options.rng!);
        flip = augmentation.horizontalFlip && options.rng!.float() < 0.5;
      }
      writeResizedCrop(this.record, 0, this.side, window, this.size, flip, this.affine, out, i * pixelsPerImage);
    }
  }

  /** Close the cache files. The data set cannot be read afterwards. */
  close(): void {
    for (const split of CACHE_SPLITS) closeSync(this.fds[split]);
  }
}
