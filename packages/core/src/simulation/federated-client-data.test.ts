import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createPatternDataset } from '../../../../test/fixtures/pattern-dataset.js';
import { Rng } from '../random.js';
import { FederatedClientData } from './federated-client-data.js';

const dataset = createPatternDataset({ numClasses: 3, trainPerClass: 10, testPerClass: 2, side: 4, seed: 5 });
const indices = [0, 2, 4, 5, 7, 9, 11, 13, 20, 29]; // 10 images

describe('FederatedClientData', () => {
  it('counts classes and rejects an empty client', () => {
    const client = new FederatedClientData(dataset, 0, indices);
    const expected = [0, 0, 0];
    for (const i of indices) expected[dataset.train.labels[i]!]!++;
    expect(client.numSamples).toBe(10);
    expect(client.classCounts).toEqual(expected);
    expect(() => new FederatedClientData(dataset, 4, [])).toThrow(/Client 4 has no training data/);
  });

  it('visits every image once per epoch in batches of b (last one smaller), with matching labels and pixels', () => {
    const client = new FederatedClientData(dataset, 0, indices, { augment: false });
    const before = tf.memory().numTensors;
    const seen: number[] = [];
    const sizes: number[] = [];
    for (const batch of client.batches(new Rng(1), 4)) {
      sizes.push(batch.size);
      const x = batch.x.arraySync();
      const y = Array.from(batch.y.dataSync());
      batch.x.dispose();
      batch.y.dispose();
      // Find each image in the client's data by its pixels and check the label travelled with it.
      for (let b = 0; b < batch.size; b++) {
        const flat = new Float32Array(16);
        const match = indices.find((i) => {
          dataset.fillBatch('train', [i], flat, { augment: false });
          return x[b]!.flat(2).every((v, p) => v === flat[p]);
        });
        expect(match).toBeDefined();
        expect(dataset.train.labels[match!]).toBe(y[b]);
        seen.push(match!);
      }
    }
    expect(sizes).toEqual([4, 4, 2]);
    expect(seen.sort((a, b) => a - b)).toEqual(indices);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('draws a new order each epoch from the same stream and repeats it for the same seed', () => {
    const client = new FederatedClientData(dataset, 0, indices, { augment: false });
    /** The epoch's images as pixel rows, in visiting order (one batch holds the whole client). */
    const epoch = (rng: Rng): number[] => {
      const [b] = [...client.batches(rng, 10)];
      const sums = Array.from(tf.tidy(() => b!.x.sum([1, 2, 3]).dataSync()));
      b!.x.dispose();
      b!.y.dispose();
      return sums;
    };
    const rng = new Rng(9);
    const first = epoch(rng);
    const second = epoch(rng);
    expect(second).not.toEqual(first);
    expect([...second].sort()).toEqual([...first].sort());
    expect(epoch(new Rng(9))).toEqual(first);
  });

  it('augments only when the run allows it', () => {
    const pixels = (augmentRun: boolean, augmentCall?: boolean) => {
      const client = new FederatedClientData(dataset, 0, indices, { augment: augmentRun });
      const [b] = [...client.batches(new Rng(2), 10, augmentCall === undefined ? undefined : { augment: augmentCall })];
      const v = Array.from(b!.x.dataSync());
      b!.x.dispose();
      b!.y.dispose();
      return v;
    };
    const plain = pixels(false);
    expect(pixels(false, true)).toEqual(plain); // the run switched augmentation off
    expect(pixels(true, false)).toEqual(plain); // the strategy switched it off
    // Flips reverse rows; with 10 images some are flipped, so the sum per row stays but pixels move.
    expect(pixels(true)).not.toEqual(plain);
  });
});
