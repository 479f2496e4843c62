/**
 * Forward passes whose memory does not grow with the depth of the network or the size of an evaluation batch.
 *
 * One tf.tidy around a whole backbone keeps every activation alive until the features are out: ResNet-18 evaluating
 * a 500-image batch at 224 px would hold about 16 GB (2.6 MB per image measured at 64 px, times (224 / 64)²). `chain` runs one stage in its own tidy and frees its input, so a forward
 * holds about one block's activations (in training the gradient tape keeps its own references to what backprop
 * needs); `forwardInChunks` evaluates a large batch a slice of images at a time, so its peak is that of a slice.
 */
import * as tf from '@tensorflow/tfjs-core';

import type { ForwardMode } from '../nn/module.js';

/**
 * Pixels (images × height × width) one evaluation forward pass takes at a time: 32 images at 224 × 224, the
 * training batch of the ImageNet-LT / iNaturalist runs, so evaluating costs no more memory than training does.
 */
export const EVAL_CHUNK_PIXELS = 32 * 224 * 224;

/** `f(input)` in its own tidy, then `input` disposed: a forward stage that frees what it consumed. */
export function chain<T extends tf.Tensor>(input: tf.Tensor4D, f: (input: tf.Tensor4D) => T): T {
  const out = tf.tidy(() => f(input));
  input.dispose();
  return out;
}

/**
 * `forward(x)` for an evaluation batch, `forward` of consecutive slices of at most EVAL_CHUNK_PIXELS pixels
 * concatenated along the batch when x is larger (each image's features depend on it alone in eval mode). Training
 * batches run whole: batch statistics are over the whole batch.
 */
export function forwardInChunks(x: tf.Tensor4D, mode: ForwardMode, forward: (x: tf.Tensor4D) => tf.Tensor2D): tf.Tensor2D {
  const [n, h, w] = x.shape;
  const perChunk = Math.max(1, Math.floor(EVAL_CHUNK_PIXELS / (h * w)));
  if (mode === 'train' || n <= perChunk) return forward(x);
  const parts: tf.Tensor2D[] = [];
  try {
    for (let start = 0; start < n; start += perChunk) {
      const size = Math.min(perChunk, n - start);
      parts.push(tf.tidy(() => forward(tf.slice(x, [start, 0, 0, 0], [size, -1, -1, -1]))));
    }
    return tf.concat(parts, 0);
  } finally {
    tf.dispose(parts);
  }
}
