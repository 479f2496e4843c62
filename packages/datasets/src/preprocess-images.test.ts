import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeImageNetLtMiniature, type ImageNetLtMiniature } from './__fixtures__/image-miniature.js';
import { sha256Hex } from './digest.js';
import { IMAGE_STATUS, readManifest, splitFile } from './image-cache.js';
import { readImageList } from './image-list-file.js';
import { preprocessImages, type PreprocessOptions } from './preprocess-images.js';

describe('preprocessImages: the resumable decoding pass', () => {
  let mini: ImageNetLtMiniature;
  let options: (dir: string) => PreprocessOptions;

  beforeAll(async () => {
    mini = await writeImageNetLtMiniature();
    const split = (file: string) => {
      const { entries, bytes } = readImageList(join(mini.listDir, file), 'list');
      return { entries, source: join(mini.listDir, file), sourceSha256: sha256Hex(bytes) };
    };
    const splits = { train: split('ImageNet_LT_train.txt'), test: split('ImageNet_LT_test.txt') };
    options = (dir) => ({ dir, dataset: 'imagenet-lt', imageRoot: mini.root, side: 12, splits, concurrency: 2, flushEvery: 16 });
  });

  afterAll(() => rmSync(mini.root, { recursive: true, force: true }));

  it('resumes an interrupted pass where it stopped and ends with the same cache as an uninterrupted one', async () => {
    const whole = join(mini.root, 'whole');
    const first = await preprocessImages(options(whole));
    expect(first).toMatchObject({ complete: true, decoded: mini.train.length + mini.test.length });

    const resumed = join(mini.root, 'resumed');
    const interrupted = await preprocessImages({ ...options(resumed), stopAfter: 50 });
    expect(interrupted).toMatchObject({ complete: false, decoded: 50 });
    expect(readManifest(resumed)!.splits.train.complete).toBe(false);
    const status = readFileSync(splitFile(resumed, 'train', 'status'));
    expect(status.filter((s) => s === IMAGE_STATUS.stored).length).toBe(50);

    const done: number[] = [];
    const rest = await preprocessImages({ ...options(resumed), onProgress: (p) => p.split === 'train' && done.push(p.done) });
    // Only the images not yet stored are decoded; progress counts on from the 50 already there.
    expect(rest).toMatchObject({ complete: true, decoded: mini.train.length + mini.test.length - 50 });
    expect(done[0]).toBe(51);
    for (const split of ['train', 'test'] as const) {
      for (const kind of ['pixels', 'labels', 'status'] as const) {
        expect(sha256Hex(readFileSync(splitFile(resumed, split, kind))), `${split}.${kind}`).toBe(
          sha256Hex(readFileSync(splitFile(whole, split, kind))),
        );
      }
    }
    expect(await preprocessImages(options(resumed))).toMatchObject({ complete: true, decoded: 0 });
  });

  it('stops after the images in flight when its signal is aborted, and the next pass finishes the job', async () => {
    const dir = join(mini.root, 'aborted');
    const stop = new AbortController();
    const stopped = await preprocessImages({
      ...options(dir),
      signal: stop.signal,
      onProgress: (p) => p.done === 30 && stop.abort('SIGINT'),
    });
    expect(stopped.complete).toBe(false);
    // Two images decode at once: at most one more finishes after the abort.
    expect(stopped.decoded).toBeGreaterThanOrEqual(30);
    expect(stopped.decoded).toBeLessThanOrEqual(31);
    const rest = await preprocessImages(options(dir));
    expect(rest).toMatchObject({ complete: true, decoded: mini.train.length + mini.test.length - stopped.decoded });
    expect(sha256Hex(readFileSync(splitFile(dir, 'train', 'pixels')))).toBe(
      sha256Hex(readFileSync(splitFile(join(mini.root, 'whole'), 'train', 'pixels'))),
    );
  });

  it('refuses to fill a cache another live process is filling, and takes over the lock of a dead one', async () => {
    const dir = join(mini.root, 'locked');
    mkdirSync(dir, { recursive: true });
    // This very process stands in for the other run: it is alive.
    writeFileSync(join(dir, '.lock'), String(process.pid));
    await expect(preprocessImages(options(dir))).rejects.toThrow(`Another process (pid ${process.pid}) is decoding images into ${dir}`);
    // A pid no process has (above Linux's pid_max limit of 2^22).
    writeFileSync(join(dir, '.lock'), String(2 ** 22 + 1));
    expect(await preprocessImages({ ...options(dir), stopAfter: 5 })).toMatchObject({ complete: false, decoded: 5 });
    expect(existsSync(join(dir, '.lock'))).toBe(false);
  });

  it('refuses a cache folder built for another resolution or other list files, saying how to fix it', async () => {
    const dir = join(mini.root, 'whole');
    await expect(preprocessImages({ ...options(dir), side: 16 })).rejects.toThrow(
      `The image cache in ${dir} was built for something else: resolution 12 px instead of 16 px. Delete that folder to rebuild it, or choose another cache folder (--image-cache).`,
    );
    const edited = { ...options(dir).splits.train, sourceSha256: 'f'.repeat(64) };
    await expect(preprocessImages({ ...options(dir), splits: { ...options(dir).splits, train: edited } })).rejects.toThrow(
      `train built from a different ${join(mini.listDir, 'ImageNet_LT_train.txt')} (SHA-256 differs)`,
    );
  });

  it('rebuilds from scratch when the manifest is gone, ignoring stale files', async () => {
    const dir = join(mini.root, 'stale');
    await preprocessImages({ ...options(dir), stopAfter: 10 });
    rmSync(join(dir, 'manifest.json'));
    writeFileSync(splitFile(dir, 'train', 'status'), Buffer.alloc(3));
    const result = await preprocessImages(options(dir));
    expect(result).toMatchObject({ complete: true, decoded: mini.train.length + mini.test.length });
  });
});
