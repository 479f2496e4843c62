/**
 * Peak memory of a real training round on large images, through the whole data path: `fedloge train --dataset
 * imagenet-lt` on a generated miniature (JPEGs decoded into the cache at 72 px, 64-pixel crops streamed from it),
 * the ImageNet ResNet-18 on the native backend, FedAvg over 4 clients with 2 per round, batch 32, and the CLI's
 * own evaluation settings (500-image batches) on a 500-image test split, all on the main thread (--workers 0: each
 * worker thread would add its own training step). The command runs under /usr/bin/time, which reports the peak
 * resident memory of the process.
 *
 * Measured 1.42 and 1.51 GB in two runs (2026-12-08, loaded 2-core machine). Before the fixes of issue 16 the
 * forward held every activation of the 500-image evaluation batch at once (2.6 MB per image at 64 px, measured:
 * 1.3 GB more) and the backward every gradient to its end; that grows with the square of the image side (a 224-pixel run was killed
 * at 24 GB). The bound leaves room for load and allocator noise, not for either of those.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  MINI_CLASSES,
  writeClassJpeg,
  writeImageNetLtMiniature,
  type ImageNetLtMiniature,
} from '../packages/datasets/src/__fixtures__/image-miniature.js';

const BIN = fileURLToPath(new URL('../node_modules/.bin/fedloge', import.meta.url));
const TIME = '/usr/bin/time';
/** Peak RSS the round may reach, MiB. */
const BOUND_MB = 2048;
/** Extra test images per class, so the test split fills one of the CLI's 500-image evaluation batches. */
const EXTRA_TEST_PER_CLASS = 21;

describe.skipIf(!existsSync(TIME))('peak memory of a ResNet-18 round on 64-pixel ImageNet-LT images (native backend)', () => {
  let mini: ImageNetLtMiniature;
  let testImages = 0;

  beforeAll(async () => {
    mini = await writeImageNetLtMiniature(mkdtempSync(join(tmpdir(), 'fedloge-memory-')));
    let lines = '';
    for (let c = 0; c < MINI_CLASSES; c++) {
      for (let i = 0; i < EXTRA_TEST_PER_CLASS; i++) {
        const path = `val/n${String(c).padStart(8, '0')}/extra_${i}.JPEG`;
        await writeClassJpeg(join(mini.root, path), c, i);
        lines += `${path} ${c}\n`;
      }
    }
    appendFileSync(join(mini.listDir, 'ImageNet_LT_test.txt'), lines);
    testImages = mini.test.length + MINI_CLASSES * EXTRA_TEST_PER_CLASS;
  });

  afterAll(() => rmSync(mini.root, { recursive: true, force: true }));

  it(`trains and evaluates one round within ${BOUND_MB} MB of peak RSS`, () => {
    const args = ['-f', 'maxrss_kb=%M', BIN, 'train', '--dataset', 'imagenet-lt', '--data-dir', mini.root];
    args.push('--image-resolution', '72', '--image-size', '64', '--image-cache', join(mini.root, 'cache'), '--model', 'resnet18-imagenet');
    args.push('--strategy', 'fedavg', '--clients', '4', '--clients-per-round', '2', '--rounds', '1', '--batch-size', '32');
    args.push('--backend', 'native', '--threads', '2', '--workers', '0', '--out', join(mini.root, 'out'));
    // The bin resolves relative paths against INIT_CWD (npm's folder) when set: the paths above are absolute.
    const r = spawnSync(TIME, args, { cwd: mini.root, encoding: 'utf8', timeout: 600_000, maxBuffer: 1 << 24 });
    expect(r.status, `${r.stderr}\n${r.stdout}`).toBe(0);
    expect(r.stderr).toContain(`decoding test images: ${testImages}/${testImages} (0 failed)`);
    const peakKb = Number(/^maxrss_kb=(\d+)$/m.exec(r.stderr)?.[1]);
    expect(peakKb).toBeGreaterThan(0);
    console.log(`peak RSS of the round: ${(peakKb / 1024).toFixed(0)} MB (bound ${BOUND_MB} MB)`);
    expect(peakKb / 1024).toBeLessThan(BOUND_MB);
  }, 600_000);
});
