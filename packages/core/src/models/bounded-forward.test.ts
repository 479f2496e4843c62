import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../engine/backend.js';
import { silentLogger } from '../logger.js';
import { EVAL_CHUNK_PIXELS, chain, forwardInChunks } from './bounded-forward.js';

describe('bounded forward passes', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu', logger: silentLogger() });
  });

  it('chain frees the stage input and the stage’s intermediates, keeping only its output', () => {
    const x = tf.ones([1, 2, 2, 1]) as tf.Tensor4D;
    const input = tf.mul(x, 2) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const out = chain(input, (t) => tf.add(tf.mul(t, 3), 1) as tf.Tensor4D);
    expect(input.isDisposed).toBe(true);
    expect(tf.memory().numTensors).toBe(before); // −input, +out; the product inside is gone
    expect(Array.from(out.dataSync())).toEqual([7, 7, 7, 7]);
    tf.dispose([x, out]);
  });

  it('evaluates a batch larger than EVAL_CHUNK_PIXELS in slices, with the same features as one pass, and trains whole', () => {
    // 40 × 40 images: EVAL_CHUNK_PIXELS / 1 600 = 1 003 per slice; 2 500 images give three slices.
    const perChunk = Math.floor(EVAL_CHUNK_PIXELS / 1600);
    const n = 2 * perChunk + 494;
    const x = tf.tidy(() => tf.reshape(tf.range(0, n * 1600), [n, 40, 40, 1])) as tf.Tensor4D;
    const calls: number[] = [];
    const forward = (images: tf.Tensor4D) => {
      calls.push(images.shape[0]);
      return tf.sum(images, [1, 2]) as tf.Tensor2D;
    };
    const before = tf.memory().numTensors;
    const sliced = forwardInChunks(x, 'eval', forward);
    expect(calls).toEqual([perChunk, perChunk, 494]);
    expect(tf.memory().numTensors).toBe(before + 1);
    const whole = tf.sum(x, [1, 2]);
    expect(sliced.shape).toEqual([n, 1]);
    expect(Array.from(sliced.dataSync())).toEqual(Array.from(whole.dataSync()));
    calls.length = 0;
    tf.dispose(forwardInChunks(x, 'train', forward));
    expect(calls).toEqual([n]);
    tf.dispose([x, sliced, whole]);
  });
});
