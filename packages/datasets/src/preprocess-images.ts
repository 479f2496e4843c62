/**
 * The one-time preprocessing pass that fills an image cache (see image-cache.ts): decode every
 * listed JPEG, resize its shorter side to `side` and centre-crop it to side × side RGB with sharp
 * (libvips). Decoding runs on libuv's worker threads (sharp's asynchronous pipeline), `concurrency`
 * images at a time, so the JS thread only schedules and writes. The pass is resumable: a status byte
 * per image is flushed after the pixels are synced, so an interrupted pass redoes at most one flush
 * interval. An image that is missing or does not decode is recorded by path and the pass goes on.
 */
import { availableParallelism } from 'node:os';
import { mkdirSync, existsSync, rmSync, writeFileSync, readFileSync, appendFileSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { lockCacheDir } from './cache-lock.js';
import {
  CACHE_SPLITS,
  IMAGE_STATUS,
  manifestMismatches,
  readFailures,
  readManifest,
  recordBytes,
  splitFile,
  writeManifest,
  type CacheSplit,
  type FailedImage,
  type ImageCacheManifest,
  type ImageCacheRequest,
} from './image-cache.js';
import type { ImageListEntry } from './image-list-file.js';

/** Where the pass stands; reported after every image. */
export interface PreprocessProgress {
  readonly split: CacheSplit;
  /** Images of this split handled so far (stored or failed), including those of an earlier, interrupted pass. */
  readonly done: number;
  readonly total: number;
  readonly failed: number;
}

export type PreprocessProgressCallback = (progress: PreprocessProgress) => void;

/** One split to cache: its images and the file they were listed in. */
export interface PreprocessSplit {
  readonly entries: readonly ImageListEntry[];
  /** The list or annotation file (recorded in the manifest). */
  readonly source: string;
  readonly sourceSha256: string;
}

export interface PreprocessOptions {
  /** The cache folder (created if absent). */
  readonly dir: string;
  readonly dataset: string;
  /** Folder the entries' paths are relative to. */
  readonly imageRoot: string;
  /** Stored shorter side (and crop) in pixels. */
  readonly side: number;
  readonly splits: Record<CacheSplit, PreprocessSplit>;
  /** Images decoded at once. @default the number of CPU cores */
  readonly concurrency?: number;
  /** Status flush interval, in images. @default 256 */
  readonly flushEvery?: number;
  readonly onProgress?: PreprocessProgressCallback;
  /** Stop (as an interruption would) once this many images have been handled in this call; for tests. */
  readonly stopAfter?: number;
  /** Aborting stops the pass after the images being decoded, with everything so far kept for the next pass. */
  readonly signal?: AbortSignal;
}

/** What the pass did. */
export interface PreprocessResult {
  readonly manifest: ImageCacheManifest;
  /** Images decoded by this call (0 when the cache was already complete). */
  readonly decoded: number;
  /** Whether every image was handled (false only with `stopAfter` or an aborted `signal`). */
  readonly complete: boolean;
  readonly failed: Record<CacheSplit, readonly FailedImage[]>;
}

/**
 * Bring the cache in `dir` up to date: a complete cache whose manifest matches is left alone, an
 * interrupted one is resumed, and an empty folder is filled. A folder holding a different cache
 * (other lists or resolution) is an error rather than silently overwritten.
 */
export async function preprocessImages(options: PreprocessOptions): Promise<PreprocessResult> {
  const { dir, side } = options;
  if (!Number.isInteger(side) || side < 1)
    throw new RangeError(`The cache resolution must be a positive whole number of pixels but is ${side}`);
  const request: ImageCacheRequest = {
    dataset: options.dataset,
    side,
    splits: {
      train: { count: options.splits.train.entries.length, sourceSha256: options.splits.train.sourceSha256 },
      test: { count: options.splits.test.entries.length, sourceSha256: options.splits.test.sourceSha256 },
    },
  };
  mkdirSync(dir, { recursive: true });
  const existing = readManifest(dir);
  if (
    existing !== undefined &&
    manifestMismatches(existing, request).length === 0 &&
    CACHE_SPLITS.every((s) => existing.splits[s].complete)
  ) {
    return { manifest: existing, decoded: 0, complete: true, failed: failuresOf(dir, existing) };
  }
  const release = lockCacheDir(dir);
  try {
    return await fillCache(options, request);
  } finally {
    release();
  }
}

/** The pass proper, under the cache folder's lock. */
async function fillCache(options: PreprocessOptions, request: ImageCacheRequest): Promise<PreprocessResult> {
  const { dir, side } = options;
  let manifest = readManifest(dir);
  if (manifest !== undefined) {
    const problems = manifestMismatches(manifest, request);
    if (problems.length > 0) {
      throw new Error(
        `The image cache in ${dir} was built for something else: ${problems.join('; ')}. ` +
          'Delete that folder to rebuild it, or choose another cache folder (--image-cache).',
      );
    }
  } else {
    // A fresh cache: no leftovers of an earlier, unrelated pass may survive.
    for (const split of CACHE_SPLITS) {
      for (const kind of ['pixels', 'labels', 'status', 'failures.jsonl'] as const) rmSync(splitFile(dir, split, kind), { force: true });
    }
    manifest = {
      format: 1,
      dataset: options.dataset,
      side,
      imageRoot: options.imageRoot,
      splits: { train: freshSplit(options.splits.train), test: freshSplit(options.splits.test) },
    };
    writeManifest(dir, manifest);
  }

  let decoded = 0;
  let budget = options.stopAfter ?? Infinity;
  for (const split of CACHE_SPLITS) {
    if (manifest.splits[split].complete) continue;
    const handled = await preprocessSplit(options, split, budget);
    decoded += handled.decoded;
    budget -= handled.decoded;
    if (!handled.complete) return { manifest, decoded, complete: false, failed: failuresOf(dir, manifest) };
    manifest = {
      ...manifest,
      splits: { ...manifest.splits, [split]: { ...manifest.splits[split], complete: true, failed: readFailures(dir, split) } },
    };
    writeManifest(dir, manifest);
  }
  return { manifest, decoded, complete: true, failed: failuresOf(dir, manifest) };
}

function freshSplit({ entries, source, sourceSha256 }: PreprocessSplit): ImageCacheManifest['splits']['train'] {
  return { count: entries.length, source, sourceSha256, complete: false, failed: [] };
}

function failuresOf(dir: string, manifest: ImageCacheManifest): Record<CacheSplit, readonly FailedImage[]> {
  return {
    train: manifest.splits.train.complete ? manifest.splits.train.failed : readFailures(dir, 'train'),
    test: manifest.splits.test.complete ? manifest.splits.test.failed : readFailures(dir, 'test'),
  };
}

/** Decode the pending images of one split; stops early once `budget` images are handled. */
async function preprocessSplit(
  options: PreprocessOptions,
  split: CacheSplit,
  budget: number,
): Promise<{ decoded: number; complete: boolean }> {
  const { dir, side, imageRoot } = options;
  const { entries } = options.splits[split];
  const count = entries.length;
  const bytes = recordBytes(side);
  const statusFile = splitFile(dir, split, 'status');
  const failuresFile = splitFile(dir, split, 'failures.jsonl');
  const status = existsSync(statusFile) ? new Uint8Array(readFileSync(statusFile)) : new Uint8Array(count);
  if (status.length !== count)
    throw new Error(`${statusFile} has ${status.length} entries but the split lists ${count} images; delete ${dir} to rebuild the cache`);
  if (!existsSync(statusFile)) {
    writeFileSync(splitFile(dir, split, 'labels'), new Uint8Array(Int32Array.from(entries, (e) => e.label).buffer));
    writeFileSync(statusFile, status);
  }
  const pixels = await open(splitFile(dir, split, 'pixels'), existsSync(splitFile(dir, split, 'pixels')) ? 'r+' : 'w+');
  try {
    // Size the file up front so every record has its place (sparse on most file systems).
    await pixels.truncate(count * bytes);
    const pending: number[] = [];
    let done = 0;
    let failed = 0;
    for (let i = 0; i < count; i++) {
      if (status[i] === IMAGE_STATUS.pending) pending.push(i);
      else {
        done++;
        if (status[i] === IMAGE_STATUS.failed) failed++;
      }
    }
    const todo = pending.slice(0, Math.min(pending.length, budget));
    const flushEvery = options.flushEvery ?? 256;
    let sinceFlush = 0;
    let flushing: Promise<void> = Promise.resolve();
    const flush = () => {
      // Pixels first, then the status bytes that vouch for them: a snapshot taken before the sync,
      // so an image stored while the sync runs is not vouched for until the next flush.
      flushing = flushing.then(async () => {
        const snapshot = status.slice();
        await pixels.datasync();
        writeFileSync(statusFile, snapshot);
      });
      return flushing;
    };
    let next = 0;
    const worker = async () => {
      while (next < todo.length && options.signal?.aborted !== true) {
        const i = todo[next++]!;
        const path = join(imageRoot, entries[i]!.path);
        const outcome = await decodeImage(path, side);
        if (typeof outcome === 'string') {
          appendFileSync(failuresFile, `${JSON.stringify({ path, reason: outcome })}\n`);
          status[i] = IMAGE_STATUS.failed;
          failed++;
        } else {
          await pixels.write(outcome, 0, bytes, i * bytes);
          status[i] = IMAGE_STATUS.stored;
        }
        done++;
        options.onProgress?.({ split, done, total: count, failed });
        if (++sinceFlush >= flushEvery) {
          sinceFlush = 0;
          await flush();
        }
      }
    };
    const concurrency = Math.max(1, options.concurrency ?? availableParallelism());
    await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(todo.length, 1)) }, worker));
    await flush();
    return { decoded: next, complete: next === pending.length };
  } finally {
    await pixels.close();
  }
}

/**
 * One image as side × side × 3 bytes (shorter side resized to `side`, centre crop, RGB), or the
 * reason it could not be read. Truncated or undecodable data fails; mere decoder warnings (common
 * in ImageNet's JPEGs and harmless) do not.
 */
async function decodeImage(path: string, side: number): Promise<Buffer | string> {
  try {
    await stat(path);
  } catch {
    return 'file not found';
  }
  try {
    const { data, info } = await sharp(path, { failOn: 'error' })
      .resize(side, side, { fit: 'cover', position: 'centre' })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.width !== side || info.height !== side || info.channels !== 3) {
      return `decoded to ${info.width}×${info.height}×${info.channels} instead of ${side}×${side}×3`;
    }
    return data;
  } catch (e) {
    return `not a readable image: ${(e as Error).message.split('\n')[0]}`;
  }
}
