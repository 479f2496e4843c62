import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng, classHistogram } from '@fedloge/core/data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MINI_CLASSES,
  MINI_TEST_PER_CLASS,
  MINI_TRAIN_COUNTS,
  MINI_VAL_PER_CLASS,
  classColour,
  truncateFile,
  writeImageNetLtMiniature,
  type ImageNetLtMiniature,
} from './__fixtures__/image-miniature.js';
import { buildFederatedData } from './federated-data.js';
import { splitFile } from './image-cache.js';
import { loadImageNetLt } from './imagenet-lt.js';
import { loadDataset } from './load-dataset.js';
import { IMAGENET_NORMALIZATION } from './normalization.js';
import type { PreprocessProgress } from './preprocess-images.js';
import type { StreamedImageDataset } from './streamed-image-dataset.js';

const SIDE = 16;

/** The mean colour of the central (side − 6)² square of stored image `record` of a split's cache file. */
function centreColour(pixels: Uint8Array, record: number): number[] {
  const sum = [0, 0, 0];
  let n = 0;
  for (let y = 3; y < SIDE - 3; y++) {
    for (let x = 3; x < SIDE - 3; x++) {
      const o = record * SIDE * SIDE * 3 + (y * SIDE + x) * 3;
      for (let c = 0; c < 3; c++) sum[c]! += pixels[o + c]!;
      n++;
    }
  }
  return sum.map((s) => s / n);
}

describe('ImageNet-LT from its list files (generated miniature)', () => {
  let mini: ImageNetLtMiniature;
  let data: StreamedImageDataset;
  const progress: PreprocessProgress[] = [];
  const failed: { split: string; path: string; reason: string }[] = [];
  let missing: string;
  let truncated: string;
  let garbage: string;

  beforeAll(async () => {
    mini = await writeImageNetLtMiniature();
    // Damage two train images (class 0: truncated, class 1: not a JPEG at all) and list one test image that does not exist.
    truncated = join(mini.root, mini.train.find((im) => im.label === 0)!.path);
    truncateFile(truncated);
    garbage = join(mini.root, mini.train.find((im) => im.label === 1)!.path);
    rmSync(garbage);
    writeFileSync(garbage, 'this is not a JPEG file at all');
    missing = join(mini.root, 'val/n00000003/ILSVRC2012_val_99999999.JPEG');
    const testList = join(mini.listDir, 'ImageNet_LT_test.txt');
    appendFileSync(testList, 'val/n00000003/ILSVRC2012_val_99999999.JPEG 3\n');
    data = await loadImageNetLt({
      dataDir: mini.root,
      resolution: SIDE,
      imageSize: SIDE,
      imageCacheDir: join(mini.root, 'cache'),
      concurrency: 2,
      onPreprocessProgress: (p) => progress.push(p),
      onImageFailed: (split, image) => failed.push({ split, ...image }),
    });
  });

  afterAll(() => {
    data.close();
    rmSync(mini.root, { recursive: true, force: true });
  });

  it('keeps the data set’s own long tail: train counts per class as listed, minus the two unreadable images', () => {
    expect(data.name).toBe('imagenet-lt');
    expect(data.numClasses).toBe(MINI_CLASSES);
    expect(data.imageShape).toEqual([SIDE, SIDE, 3]);
    expect(data.longTailed).toBe(true);
    expect(data.classNames).toEqual(Array.from({ length: MINI_CLASSES }, (_, c) => `n${String(c).padStart(8, '0')}`));
    const expected = [...MINI_TRAIN_COUNTS];
    expected[0]! -= 1;
    expected[1]! -= 1;
    const all = Array.from({ length: data.train.count }, (_, i) => i);
    expect(classHistogram(data.train.labels, all, MINI_CLASSES)).toEqual(expected);
    // The balanced test split (the default evaluation split), which lists one extra, missing image.
    expect(
      classHistogram(
        data.test.labels,
        Array.from({ length: data.test.count }, (_, i) => i),
        MINI_CLASSES,
      ),
    ).toEqual(Array(MINI_CLASSES).fill(MINI_TEST_PER_CLASS));
  });

  it('reports the truncated JPEG, the non-JPEG and the missing file by path, and keeps going', () => {
    expect(failed.map((f) => [f.split, f.path]).sort()).toEqual(
      [
        ['test', missing],
        ['train', garbage],
        ['train', truncated],
      ].sort(),
    );
    expect(failed.find((f) => f.path === missing)!.reason).toBe('file not found');
    expect(failed.find((f) => f.path === truncated)!.reason).toMatch(/^not a readable image: /);
    expect(data.failedImages.train.map((f) => f.path).sort()).toEqual([garbage, truncated].sort());
    expect(data.manifest.splits.train).toMatchObject({ count: mini.train.length, complete: true });
  });

  it('reports progress per split up to the listed total', () => {
    const last = (split: string) => progress.filter((p) => p.split === split).at(-1);
    expect(last('train')).toEqual({ split: 'train', done: mini.train.length, total: mini.train.length, failed: 2 });
    expect(last('test')).toEqual({ split: 'test', done: mini.test.length + 1, total: mini.test.length + 1, failed: 1 });
  });

  it('stores every image centre-cropped in its class colour, in list order (labels match pixels)', () => {
    const pixels = new Uint8Array(readFileSync(splitFile(join(mini.root, 'cache'), 'train', 'pixels')));
    for (let i = 0; i < data.train.count; i++) {
      const colour = centreColour(pixels, data.train.records[i]!);
      const want = classColour(data.train.labels[i]!);
      // JPEG at quality 95 plus resampling stay within a few levels; the black bars were cropped away.
      colour.forEach((v, c) => expect(Math.abs(v - want[c]!), `train image ${i}, channel ${c}`).toBeLessThan(6));
    }
    // The record order is the list order, the failed images leaving gaps.
    expect(data.train.records.length).toBe(mini.train.length - 2);
    expect(data.train.labels).toEqual(
      Int32Array.from(mini.train.filter((im) => ![truncated, garbage].includes(join(mini.root, im.path))).map((im) => im.label)),
    );
  });

  it('round-trips the cache: an eval batch is the stored bytes, normalised', () => {
    const pixels = new Uint8Array(readFileSync(splitFile(join(mini.root, 'cache'), 'test', 'pixels')));
    const indices = [0, 7, data.test.count - 1];
    const out = new Float32Array(indices.length * SIDE * SIDE * 3);
    data.fillBatch('test', indices, out, { augment: false });
    const { mean, std } = IMAGENET_NORMALIZATION;
    indices.forEach((index, b) => {
      const base = data.test.records[index]! * SIDE * SIDE * 3;
      for (let p = 0; p < SIDE * SIDE * 3; p++) {
        const c = p % 3;
        expect(out[b * SIDE * SIDE * 3 + p]).toBeCloseTo((pixels[base + p]! / 255 - mean[c]!) / std[c]!, 5);
      }
    });
  });

  it('draws train crops and flips from the given stream: same stream, same batch; other stream, other batch', () => {
    const batch = (seed: number) => {
      const out = new Float32Array(4 * SIDE * SIDE * 3);
      data.fillBatch('train', [0, 1, 2, 3], out, { augment: true, rng: new Rng(seed) });
      return out;
    };
    expect(batch(1)).toEqual(batch(1));
    expect(batch(1)).not.toEqual(batch(2));
    expect(() => data.fillBatch('train', [data.train.count], new Float32Array(SIDE * SIDE * 3), { augment: false })).toThrow(
      `imagenet-lt.fillBatch: indices[0] = ${data.train.count} is not an image of the train split [0, ${data.train.count})`,
    );
  });

  it('partitions the whole train split by Dirichlet and draws local test sets from the balanced test split', () => {
    const built = buildFederatedData({ dataset: data, numClients: 4, alpha: 0.5, imbalanceFactor: 0.01, rng: new Rng(7) });
    const union = built.partition.trainIndices.flat().sort((a, b) => a - b);
    // imbalanceFactor does not apply: every train image is used exactly once.
    expect(union).toEqual(Array.from({ length: data.train.count }, (_, i) => i));
    expect(built.ltCounts).toEqual(classHistogram(data.train.labels, union, MINI_CLASSES));
    for (const local of built.partition.localTestIndices) for (const i of local) expect(i).toBeLessThan(data.test.count);
  });

  it('reopens the complete cache without decoding again, through loadDataset, and can use the val split', async () => {
    const again: PreprocessProgress[] = [];
    const reopened = await loadDataset({
      name: 'imagenet-lt',
      dataDir: mini.root,
      images: { resolution: SIDE, imageSize: 12, imageCacheDir: join(mini.root, 'cache'), onPreprocessProgress: (p) => again.push(p) },
    });
    expect(again).toEqual([]);
    expect(reopened.imageShape).toEqual([12, 12, 3]);
    expect(reopened.train.count).toBe(data.train.count);
    expect(reopened.provenance?.check).toContain('ImageNet-LT list files');
    (reopened as StreamedImageDataset).close();
    const val = await loadImageNetLt({
      dataDir: mini.root,
      resolution: SIDE,
      evalSplit: 'val',
      imageCacheDir: join(mini.root, 'cache-val'),
    });
    expect(val.test.count).toBe(MINI_CLASSES * MINI_VAL_PER_CLASS);
    expect(val.imageShape).toEqual([SIDE, SIDE, 3]);
    val.close();
  });

  it('says how to supply the data when no data folder or list file is given', async () => {
    await expect(loadImageNetLt({})).rejects.toThrow(/cannot be downloaded automatically.*--data-dir <ImageNet root/);
    await expect(loadImageNetLt({ dataDir: join(mini.root, 'train') })).rejects.toThrow(
      /ImageNet_LT_train\.txt was not found in .*--list-dir/,
    );
  });
});
