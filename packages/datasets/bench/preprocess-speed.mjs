#!/usr/bin/env node
// Preprocessing speed of the large image data sets: writes `--images` generated JPEGs of ImageNet's
// typical size (500 × 375, quality 90, a smooth pattern with noise, ~65 KB each; ImageNet averages ~110 KB),
// then times the decoding pass (`preprocessImages`) at shorter side 256 and 128 and the reading of
// train batches (224- or 112-pixel random-resized crops) from the resulting cache, with the resident memory after.
// Run `node packages/datasets/bench/preprocess-speed.mjs [--images 1000] [--concurrency n] [--smoke]` after
// `npx tsc -b packages/datasets`. Every figure line ends with the process's peak resident memory so far (peak RSS).
// --smoke: 12 images, batches of 4 (bench/preprocess-speed.test.ts runs it so the script cannot rot).
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { Rng } from '@fedloge/core/data';
import { loadImageFolderList } from '../dist/index.js';

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(`--${name}`) ? Number(args[args.indexOf(`--${name}`) + 1]) : fallback);
const smoke = args.includes('--smoke');
const count = smoke ? 12 : option('images', 1000);
const batch = smoke ? 4 : 64; // smoke: at least one batch out of 12 images
const concurrency = option('concurrency', availableParallelism());
const root = mkdtempSync(join(tmpdir(), 'fedloge-preprocess-bench-'));
/** Peak resident memory of this process so far (maxRSS is in KiB on Linux). */
const peakRss = () => `peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`;

async function writeImages() {
  const rng = new Rng(1);
  const [w, h] = [500, 375];
  const lines = [];
  for (let i = 0; i < count; i++) {
    const px = Buffer.alloc(w * h * 3);
    const phase = rng.float() * 6.28;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const o = (y * w + x) * 3;
        px[o] = 128 + 100 * Math.sin(x / 40 + phase) + rng.int(40) - 20;
        px[o + 1] = 128 + 100 * Math.cos(y / 30 + phase) + rng.int(40) - 20;
        px[o + 2] = (x + y + i) % 256;
      }
    }
    const rel = `train/c${i % 10}/img_${i}.JPEG`;
    mkdirSync(join(root, `train/c${i % 10}`), { recursive: true });
    await sharp(px, { raw: { width: w, height: h, channels: 3 } })
      .jpeg({ quality: 90 })
      .toFile(join(root, rel));
    lines.push(`${rel} ${i % 10}`);
  }
  writeFileSync(join(root, 'train.txt'), `${lines.join('\n')}\n`);
  writeFileSync(join(root, 'test.txt'), `${lines.slice(0, 10).join('\n')}\n`);
}

try {
  console.log(`writing ${count} JPEGs of 500×375 in ${root} …`);
  await writeImages();
  console.log(`CPU: ${cpus()[0]?.model} × ${availableParallelism()}, ${concurrency} images decoded at once, sharp/libvips`);
  for (const [resolution, imageSize] of [
    [256, 224],
    [128, 112],
  ]) {
    const start = performance.now();
    const data = await loadImageFolderList({
      dataDir: root,
      trainList: 'train.txt',
      testList: 'test.txt',
      resolution,
      imageSize,
      concurrency,
      imageCacheDir: join(root, `cache-${resolution}`),
    });
    const seconds = (performance.now() - start) / 1000;
    const decoded = count + 10;
    console.log(
      `shorter side ${resolution}: ${seconds.toFixed(1)} s for ${decoded} images = ${((1000 * seconds) / decoded).toFixed(1)} s per 1 000 images   ${peakRss()}`,
    );
    const out = new Float32Array(batch * imageSize * imageSize * 3);
    const rng = new Rng(2);
    const rssBefore = process.memoryUsage().rss;
    const t0 = performance.now();
    let read = 0;
    for (let s = 0; s + batch <= data.train.count; s += batch) {
      data.fillBatch(
        'train',
        Array.from({ length: batch }, (_, i) => s + i),
        out,
        { augment: true, rng },
      );
      read += batch;
    }
    const ms = performance.now() - t0;
    console.log(
      `  train batches (${imageSize}-px random-resized crop + flip, page cache warm): ${((1000 * ms) / read / 1000).toFixed(2)} s per 1 000 images   ${peakRss()}`,
    );
    // The process does not hold the cache: reading it through barely changes the resident size.
    const cacheMb = (data.train.count * resolution * resolution * 3) / 1e6;
    const grew = (process.memoryUsage().rss - rssBefore) / 1e6;
    console.log(
      `  resident memory grew by ${Math.round(grew)} MB while reading all ${read} train images (train cache file: ${cacheMb.toFixed(0)} MB)   ${peakRss()}`,
    );
    data.close();
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
