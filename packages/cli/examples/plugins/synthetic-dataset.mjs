// A dataset plugin in one file: a small synthetic image set generated from a seed, selected with
//   plugins: [./plugins/synthetic-dataset.mjs]
//   dataset: { name: synthetic, options: { classes: 4, perClass: 200 } }
// Each class has a fixed random prototype image; an example is its prototype plus Gaussian pixel
// noise. Real loaders (files on disk, downloads) have the same shape: see @fedloge/datasets'
// dataset-plugins.ts and its README ("Writing a dataset plugin").
//
// `load` runs on the main thread and again in every worker thread (with download: false), so it
// must return the same data each time: here everything derives from `seed`.
import { z } from 'zod';
import { Rng } from '@fedloge/core/data';

const options = z.strictObject({
  classes: z.int().min(2).max(100).default(4).describe('number of classes'),
  perClass: z.int().min(1).default(200).describe('training images per class (the test split has a quarter as many)'),
  side: z.int().min(4).multipleOf(4).default(8).describe('image side (the cnn backbone needs a multiple of 4)'),
  noise: z.number().min(0).default(0.8).describe('pixel noise standard deviation'),
  seed: z.int().min(0).default(1).describe('seed of the prototypes and the noise'),
});

/** One split: labels interleaved by class, pixels as float32. */
function makeSplit(prototypes, perClass, noise, rng) {
  const classes = prototypes.length;
  const size = prototypes[0].length;
  const count = perClass * classes;
  const labels = new Uint8Array(count);
  const pixels = new Float32Array(count * size);
  for (let i = 0; i < count; i++) {
    labels[i] = i % classes;
    for (let p = 0; p < size; p++) pixels[i * size + p] = prototypes[labels[i]][p] + noise * rng.normal();
  }
  return { count, labels, pixels };
}

export default {
  kind: 'dataset',
  name: 'synthetic',
  description: 'Synthetic prototypes + noise (example dataset plugin)',
  options,
  async load({ options: o }) {
    const rng = new Rng(o.seed, 'synthetic-dataset');
    const size = o.side * o.side;
    const prototypes = Array.from({ length: o.classes }, () => Float32Array.from({ length: size }, () => rng.normal()));
    const splits = {
      train: makeSplit(prototypes, o.perClass, o.noise, rng.derive('train')),
      test: makeSplit(prototypes, Math.max(1, Math.floor(o.perClass / 4)), o.noise, rng.derive('test')),
    };
    return {
      name: 'synthetic',
      numClasses: o.classes,
      imageShape: [o.side, o.side, 1],
      classNames: prototypes.map((_, c) => `class ${c}`),
      train: splits.train,
      test: splits.test,
      // No augmentation: `options.augment` is ignored (a loader may flip or crop with `options.rng`).
      fillBatch(split, indices, out) {
        const source = splits[split];
        for (let b = 0; b < indices.length; b++) out.set(source.pixels.subarray(indices[b] * size, (indices[b] + 1) * size), b * size);
      },
    };
  },
};
