/** `ClientData` over a client's share of an in-memory data set. */
import * as tf from '@tensorflow/tfjs-core';
import { classHistogram, type ImageDataset } from '../dataset.js';
import type { Rng } from '../random.js';
import type { Batch, ClientData } from '../strategy.js';

export class FederatedClientData implements ClientData {
  readonly numSamples: number;
  readonly classCounts: readonly number[];
  private readonly pixelsPerImage: number;

  private readonly augmentation: boolean;

  /**
   * @param trainIndices the client's indices into `dataset.train` (its row of the partition).
   * @param options.augment whether the run uses train-time augmentation at all; a strategy can
   *   turn it off per call (`batches(rng, b, { augment: false })`) but not on. @default true
   */
  constructor(
    readonly dataset: ImageDataset,
    readonly clientId: number,
    private readonly trainIndices: readonly number[],
    options?: { readonly augment?: boolean },
  ) {
    this.augmentation = options?.augment ?? true;
    if (trainIndices.length === 0) {
      throw new RangeError(
        `Client ${clientId} has no training data; every client needs at least one image (raise the partition's minimum client size or lower the number of clients)`,
      );
    }
    this.numSamples = trainIndices.length;
    this.classCounts = classHistogram(dataset.train.labels, trainIndices, dataset.numClasses);
    const [h, w, c] = dataset.imageShape;
    this.pixelsPerImage = h * w * c;
  }

  /**
   * One epoch in an order drawn from `rng`; augmentation draws continue on the same stream, so
   * calling this once per epoch with the client-round's stream gives a fresh order every epoch.
   * The last batch may be smaller (no drop-last, as the reference's DataLoader).
   */
  *batches(rng: Rng, batchSize: number, options?: { readonly augment?: boolean }): Iterable<Batch> {
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new RangeError(`Expected an integer >= 1 for batchSize but received ${batchSize}`);
    }
    const augment = this.augmentation && (options?.augment ?? true);
    const order = rng.permutation(this.numSamples);
    const labels = this.dataset.train.labels;
    const [h, w, c] = this.dataset.imageShape;
    for (let start = 0; start < order.length; start += batchSize) {
      const size = Math.min(batchSize, order.length - start);
      const indices = new Int32Array(size);
      const y = new Int32Array(size);
      for (let i = 0; i < size; i++) {
        indices[i] = this.trainIndices[order[start + i]!]!;
        y[i] = labels[indices[i]!]!;
      }
      // A fresh buffer per batch, not a reused one: the tfjs cpu backend keeps the array passed to
      // tf.tensor as the tensor's storage, so refilling it would change earlier batches in place.
      const pixels = new Float32Array(size * this.pixelsPerImage);
      this.dataset.fillBatch('train', indices, pixels, augment ? { augment: true, rng } : { augment: false });
      yield { x: tf.tensor4d(pixels, [size, h, w, c]), y: tf.tensor1d(y, 'int32'), size };
    }
  }
}
