import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { classHistogram } from '@fedloge/core/data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FASHION_MNIST_DIR, loadRealFashionMnist } from './__fixtures__/real-data.js';
import { deadUrl, serveFiles, type LocalServer } from './__fixtures__/http-server.js';
import type { DownloadProgress } from './download.js';
import { FASHION_MNIST_FILES, loadFashionMnist } from './fashion-mnist.js';
import type { InMemoryImageDataset } from './in-memory-image-dataset.js';

const NAMES = Object.values(FASHION_MNIST_FILES).map((f) => f.name);
const freshDir = (tag: string) => mkdtempSync(join(tmpdir(), `fedloge-fmnist-${tag}-`));

/** A folder with copies of the official .gz files, one of which `tamper` may rewrite. */
function copyOfficialFiles(tamper?: { file: string; bytes: Uint8Array }): string {
  const dir = freshDir('copy');
  for (const name of NAMES) copyFileSync(join(FASHION_MNIST_DIR, `${name}.gz`), join(dir, `${name}.gz`));
  if (tamper) writeFileSync(join(dir, tamper.file), tamper.bytes);
  return dir;
}

describe('loadFashionMnist on the official files', () => {
  let data: InMemoryImageDataset;
  beforeAll(async () => {
    data = await loadRealFashionMnist();
  });

  it('holds 60 000 train and 10 000 test 28×28×1 images, 6 000 / 1 000 per class', () => {
    expect(data.name).toBe('fashion-mnist');
    expect(data.imageShape).toEqual([28, 28, 1]);
    expect(data.train.count).toBe(60000);
    expect(data.test.count).toBe(10000);
    const all = (n: number) => Array.from({ length: n }, (_, i) => i);
    expect(classHistogram(data.train.labels, all(60000), 10)).toEqual(new Array(10).fill(6000));
    expect(classHistogram(data.test.labels, all(10000), 10)).toEqual(new Array(10).fill(1000));
    // The first train labels of the official file (ankle boot, T-shirt, T-shirt, dress, …).
    expect(Array.from(data.train.labels.subarray(0, 10))).toEqual([9, 0, 0, 3, 0, 2, 7, 2, 5, 5]);
  });

  it('normalises with the train statistics 0.2860 / 0.3530, which these pixels reproduce', () => {
    let sum = 0;
    let sumSquares = 0;
    const pixels = data.train.pixels;
    for (let i = 0; i < pixels.length; i++) {
      const v = pixels[i]! / 255;
      sum += v;
      sumSquares += v * v;
    }
    const mean = sum / pixels.length;
    const std = Math.sqrt(sumSquares / pixels.length - mean * mean);
    expect(mean.toFixed(4)).toBe('0.2860');
    expect(std.toFixed(4)).toBe('0.3530');
    expect(data.normalization).toEqual({ mean: [0.286], std: [0.353] });

    const out = new Float32Array(2 * 784);
    data.fillBatch('test', [7, 9999], out, { augment: false });
    for (const [slot, index] of [
      [0, 7],
      [1, 9999],
    ] as const) {
      for (const p of [0, 300, 406, 783]) {
        const v = data.test.pixels[index * 784 + p]!;
        expect(out[slot * 784 + p]).toBe(Math.fround((v / 255 - 0.286) / 0.353));
      }
    }
  });

  it('has no augmentation by default: augment gives the plain normalised images', () => {
    expect(data.augmentation).toBeNull();
    const plain = new Float32Array(3 * 784);
    const augmented = new Float32Array(3 * 784);
    data.fillBatch('train', [0, 1, 2], plain, { augment: false });
    data.fillBatch('train', [0, 1, 2], augmented, { augment: true });
    expect(Buffer.from(augmented.buffer).equals(Buffer.from(plain.buffer))).toBe(true);
  });
});

describe('loadFashionMnist: where it looks and what it rejects', () => {
  const trainLabels = gunzipSync(readFileSync(join(FASHION_MNIST_DIR, 'train-labels-idx1-ubyte.gz')));

  it('searches dataDir before the system folder (a corrupt copy there is read, and named)', async () => {
    const truncated = readFileSync(join(FASHION_MNIST_DIR, 'train-labels-idx1-ubyte.gz')).subarray(0, 10_000);
    const dir = copyOfficialFiles({ file: 'train-labels-idx1-ubyte.gz', bytes: truncated });
    await expect(loadFashionMnist({ dataDir: dir, download: false })).rejects.toThrow(
      new RegExp(`${join(dir, 'train-labels-idx1-ubyte.gz')} is not a valid gzip file \\(unexpected end of file\\)`),
    );
  });

  it('also looks in dataDir/fashion-mnist', async () => {
    const root = freshDir('root');
    const dir = copyOfficialFiles();
    mkdirSync(join(root, 'fashion-mnist'));
    for (const name of NAMES) copyFileSync(join(dir, `${name}.gz`), join(root, 'fashion-mnist', `${name}.gz`));
    const data = await loadFashionMnist({ dataDir: root, download: false, searchSystemFolders: false });
    expect(data.test.count).toBe(10000);
  });

  it('rejects a file whose decompressed bytes do not match the official SHA-256, naming it', async () => {
    const corrupted = Buffer.from(trainLabels);
    corrupted[8 + 123] = (corrupted[8 + 123]! + 1) % 10; // one label changed, still a valid IDX file
    const dir = copyOfficialFiles({ file: 'train-labels-idx1-ubyte.gz', bytes: gzipSync(corrupted) });
    const load = loadFashionMnist({ dataDir: dir, download: false });
    await expect(load).rejects.toThrow(`${join(dir, 'train-labels-idx1-ubyte.gz')}: the decompressed contents have SHA-256`);
    await expect(load).rejects.toThrow(/not the official bad3541b.* of train-labels-idx1-ubyte/);
  });

  it('accepts files that were already decompressed', async () => {
    // Images as .gz, labels decompressed: each file may come either way.
    const dir = freshDir('raw');
    for (const name of NAMES) {
      const gz = join(FASHION_MNIST_DIR, `${name}.gz`);
      if (name.includes('labels')) writeFileSync(join(dir, name), gunzipSync(readFileSync(gz)));
      else copyFileSync(gz, join(dir, `${name}.gz`));
    }
    const data = await loadFashionMnist({ dataDir: dir, download: false, searchSystemFolders: false });
    expect(data.train.labels[0]).toBe(9);
    expect(data.test.count).toBe(10000);
  });

  it('says where it looked and how to fix it when the files are nowhere and downloading is off', async () => {
    const cache = freshDir('cache');
    const load = loadFashionMnist({ cacheDir: cache, download: false, searchSystemFolders: false });
    await expect(load).rejects.toThrow(`Fashion-MNIST was not found. Looked in:\n  - ${cache}`);
    await expect(load).rejects.toThrow('Downloading is disabled.');
    await expect(load).rejects.toThrow('sudo apt-get install dataset-fashion-mnist');
    await expect(load).rejects.toThrow('pass --data-dir DIR');
  });
});

describe('loadFashionMnist: downloading into the cache', () => {
  const official = Object.fromEntries(NAMES.map((n) => [`${n}.gz`, new Uint8Array(readFileSync(join(FASHION_MNIST_DIR, `${n}.gz`)))]));
  let mirror: LocalServer;
  beforeAll(async () => {
    mirror = await serveFiles(official);
  });
  afterAll(() => mirror.close());

  it('downloads the four files with progress, verifies them, and reuses the cache next time', async () => {
    const cache = freshDir('dl');
    const progress: DownloadProgress[] = [];
    const options = {
      cacheDir: cache,
      mirror: mirror.url,
      searchSystemFolders: false,
      onProgress: (p: DownloadProgress) => progress.push(p),
    };
    const data = await loadFashionMnist(options);
    expect(data.train.count).toBe(60000);
    expect(readdirSync(cache).sort()).toEqual(NAMES.map((n) => `${n}.gz`).sort());
    expect(new Set(progress.map((p) => p.file))).toEqual(new Set(NAMES.map((n) => `${n}.gz`)));
    const last = progress.filter((p) => p.file === 'train-images-idx3-ubyte.gz').at(-1)!;
    expect(last.receivedBytes).toBe(official['train-images-idx3-ubyte.gz']!.length);

    const requestsBefore = mirror.requests.length;
    await loadFashionMnist(options);
    expect(mirror.requests.length).toBe(requestsBefore);
  });

  it('refuses a download whose contents are not the official file, keeping nothing', async () => {
    const swapped = await serveFiles({ ...official, 't10k-labels-idx1-ubyte.gz': official['train-labels-idx1-ubyte.gz']! });
    try {
      const cache = freshDir('bad');
      const load = loadFashionMnist({ cacheDir: cache, mirror: swapped.url, searchSystemFolders: false });
      await expect(load).rejects.toThrow(/t10k-labels-idx1-ubyte\.gz.*SHA-256/s);
      expect(existsSync(join(cache, 't10k-labels-idx1-ubyte.gz'))).toBe(false);
      expect(existsSync(join(cache, 't10k-labels-idx1-ubyte.gz.part'))).toBe(false);
    } finally {
      await swapped.close();
    }
  });

  it('explains how to fix things when offline', async () => {
    const cache = freshDir('offline');
    const load = loadFashionMnist({ cacheDir: cache, mirror: await deadUrl(), searchSystemFolders: false });
    await expect(load).rejects.toThrow(/Fashion-MNIST was not found\. Looked in:\n {2}- .*\nCould not download .*ECONNREFUSED/s);
    await expect(load).rejects.toThrow('sudo apt-get install dataset-fashion-mnist');
  });
});
