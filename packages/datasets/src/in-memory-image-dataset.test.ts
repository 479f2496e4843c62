import { Rng } from '@fedloge/core/data';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRealCifar10 } from './__fixtures__/real-data.js';
import type { InMemoryImageDataset } from './in-memory-image-dataset.js';

const SIZE = 32 * 32 * 3;
const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];

/**
 * The textbook pipeline, written independently of the fast loops: zero-pad to 40×40, take the 32×32
 * window at (top, left), mirror it if asked, then normalise each channel.
 */
function referenceAugment(pixels: Uint8Array, index: number, top: number, left: number, flip: boolean): Float32Array {
  const padded = new Uint8Array(40 * 40 * 3);
  for (let y = 0; y < 32; y++)
    for (let x = 0; x < 32; x++)
      for (let c = 0; c < 3; c++) {
        padded[((y + 4) * 40 + (x + 4)) * 3 + c] = pixels[index * SIZE + (y * 32 + x) * 3 + c]!;
      }
  const out = new Float32Array(SIZE);
  for (let y = 0; y < 32; y++)
    for (let x = 0; x < 32; x++)
      for (let c = 0; c < 3; c++) {
        const sx = flip ? 31 - x : x;
        const v = padded[((y + top) * 40 + (sx + left)) * 3 + c]!;
        out[(y * 32 + x) * 3 + c] = (v / 255 - MEAN[c]!) / STD[c]!;
      }
  return out;
}

const same = (a: Float32Array, b: Float32Array) =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe('InMemoryImageDataset.fillBatch (real CIFAR-10)', () => {
  let data: InMemoryImageDataset;
  beforeAll(async () => {
    data = await loadRealCifar10();
  });

  it('writes (v/255 − mean[c]) / std[c] per channel, NHWC, in index order', () => {
    const indices = [42, 0, 49999];
    const out = new Float32Array(indices.length * SIZE);
    data.fillBatch('train', indices, out, { augment: false });
    indices.forEach((index, slot) => {
      for (let i = 0; i < SIZE; i++) {
        const c = i % 3;
        const expected = Math.fround((data.train.pixels[index * SIZE + i]! / 255 - MEAN[c]!) / STD[c]!);
        if (out[slot * SIZE + i] !== expected) throw new Error(`image ${index}, float ${i}: ${out[slot * SIZE + i]} ≠ ${expected}`);
      }
    });
  });

  it('draws augmentation only from the given stream: same stream, same batch', () => {
    const a = new Float32Array(8 * SIZE);
    const b = new Float32Array(8 * SIZE);
    const indices = [1, 2, 3, 4, 5, 6, 7, 8];
    data.fillBatch('train', indices, a, { augment: true, rng: new Rng(11).derive('batch') });
    data.fillBatch('train', indices, b, { augment: true, rng: new Rng(11).derive('batch') });
    expect(same(a, b)).toBe(true);
    data.fillBatch('train', indices, b, { augment: true, rng: new Rng(12).derive('batch') });
    expect(same(a, b)).toBe(false);
  });

  it('crops a zero-padded window and flips: every pixel comes from the source image, shifted', () => {
    // Replay the draws: per image, crop row, crop column (each uniform in 0..8), then flip with p = 0.5.
    const indices = Array.from({ length: 200 }, (_, i) => (i * 251) % 50000);
    const out = new Float32Array(indices.length * SIZE);
    data.fillBatch('train', indices, out, { augment: true, rng: new Rng(3407) });
    const replay = new Rng(3407);
    const offsets = new Set<string>();
    let flips = 0;
    indices.forEach((index, slot) => {
      const top = replay.int(9);
      const left = replay.int(9);
      const flip = replay.float() < 0.5;
      offsets.add(`${top},${left}`);
      flips += flip ? 1 : 0;
      const expected = referenceAugment(data.train.pixels, index, top, left, flip);
      expect(same(out.subarray(slot * SIZE, (slot + 1) * SIZE), expected), `image ${index} (top ${top}, left ${left}, flip ${flip})`).toBe(
        true,
      );
    });
    // The draws cover the range: most of the 81 offsets and both flip states.
    expect(offsets.size).toBeGreaterThan(60);
    expect(flips).toBeGreaterThan(70);
    expect(flips).toBeLessThan(130);
  });

  it('the centred, unflipped draw is the identity', () => {
    // Find a seed whose first draw is (4, 4, no flip), then compare with the plain batch.
    let seed = 0;
    for (; ; seed++) {
      const r = new Rng(seed);
      if (r.int(9) === 4 && r.int(9) === 4 && !(r.float() < 0.5)) break;
    }
    const augmented = new Float32Array(SIZE);
    const plain = new Float32Array(SIZE);
    data.fillBatch('test', [123], augmented, { augment: true, rng: new Rng(seed) });
    data.fillBatch('test', [123], plain, { augment: false });
    expect(same(augmented, plain)).toBe(true);
  });

  it.each([
    // each call is misuse that must fail before writing anything
    [
      'an output buffer one image short',
      () => data.fillBatch('train', [1, 2], new Float32Array(SIZE), { augment: false }),
      /output holds 3072 floats but 2 images of 32×32×3 need 6144/,
    ],
    [
      'an index past the split',
      () => data.fillBatch('test', [10000], new Float32Array(SIZE), { augment: false }),
      /indices\[0\] = 10000 is not an image of the test split \[0, 10000\)/,
    ],
    ['a fractional index', () => data.fillBatch('train', [0, 1.5], new Float32Array(2 * SIZE), { augment: false }), /indices\[1\] = 1.5/],
    [
      'augmentation without a stream',
      () => data.fillBatch('train', [0], new Float32Array(SIZE), { augment: true }),
      /augment is true but no rng/,
    ],
    ['an unknown split', () => data.fillBatch('val' as 'test', [0], new Float32Array(SIZE), { augment: false }), /unknown split 'val'/],
  ])('rejects %s', (_what, call, message) => {
    expect(call).toThrow(message);
  });

  it('is fast enough for the training loop: a 64-image augmented batch in a few milliseconds', () => {
    const out = new Float32Array(64 * SIZE);
    const rng = new Rng(1);
    const indices = Array.from({ length: 64 }, (_, i) => i * 13);
    for (let i = 0; i < 20; i++) data.fillBatch('train', indices, out, { augment: true, rng }); // warm up the JIT
    const start = performance.now();
    for (let i = 0; i < 50; i++) data.fillBatch('train', indices, out, { augment: true, rng });
    // About 1 ms on one core; the bound leaves room for a loaded CI machine.
    expect((performance.now() - start) / 50).toBeLessThan(20);
  });
});
