/**
 * The decoded-image cache of a large data set: per split, every listed image resized so its
 * shorter side is `side` and centre-cropped to side × side × 3 (RGB, uint8), stored as fixed-size
 * records in one file so image i is read with a single positional read at i · side² · 3. Beside it:
 *
 * - `<split>.labels` — Int32 little-endian, the class of every listed image (the index);
 * - `<split>.status` — one byte per listed image: 0 not yet decoded, 1 stored, 2 failed;
 * - `<split>.failures.jsonl` — `{ path, reason }` per failed image, appended as they happen;
 * - `manifest.json` — what the cache was built from (list-file hashes, counts, resolution) and
 *   whether the pass finished; a cache is only read when its manifest matches the request.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256Hex } from './digest.js';

export const IMAGE_CACHE_FORMAT = 1;
export const IMAGE_CACHE_CHANNELS = 3;

/** The two splits a cache holds, by the names core's `ImageDataset` uses. */
export const CACHE_SPLITS = ['train', 'test'] as const;
export type CacheSplit = (typeof CACHE_SPLITS)[number];

/** Status byte of one listed image. */
export const IMAGE_STATUS = { pending: 0, stored: 1, failed: 2 } as const;

/** An image the pass could not decode. */
export interface FailedImage {
  /** Absolute path of the image file. */
  readonly path: string;
  /** Why, e.g. "file not found" or the decoder's message. */
  readonly reason: string;
}

/** One split's part of the manifest. */
export interface CacheSplitManifest {
  /** Images the source lists (stored + failed once complete). */
  readonly count: number;
  /** The list or annotation file the split came from, and its SHA-256. */
  readonly source: string;
  readonly sourceSha256: string;
  /** Whether every listed image has been decoded or has failed. */
  readonly complete: boolean;
  /** The images that failed, once complete. */
  readonly failed: readonly FailedImage[];
}

export interface ImageCacheManifest {
  readonly format: typeof IMAGE_CACHE_FORMAT;
  readonly dataset: string;
  /** Stored images are side × side × 3. */
  readonly side: number;
  /** The folder list paths are relative to. */
  readonly imageRoot: string;
  readonly splits: Record<CacheSplit, CacheSplitManifest>;
}

/** What a caller wants the cache to hold; compared against the manifest. */
export interface ImageCacheRequest {
  readonly dataset: string;
  readonly side: number;
  readonly splits: Record<CacheSplit, { readonly count: number; readonly sourceSha256: string }>;
}

export const MANIFEST_FILE = 'manifest.json';

export function splitFile(dir: string, split: CacheSplit, kind: 'pixels' | 'labels' | 'status' | 'failures.jsonl'): string {
  return join(dir, `${split}.${kind}`);
}

/** Bytes of one stored image. */
export function recordBytes(side: number): number {
  return side * side * IMAGE_CACHE_CHANNELS;
}

/**
 * The default cache folder name for a request: resolution plus a digest of the sources, so a new
 * resolution or edited list files get a fresh folder instead of a mismatching one.
 */
export function cacheFolderName(request: ImageCacheRequest): string {
  const key = CACHE_SPLITS.map((s) => `${s}:${request.splits[s].count}:${request.splits[s].sourceSha256}`).join('|');
  return `decoded-${request.side}px-${sha256Hex(new TextEncoder().encode(key)).slice(0, 12)}`;
}

export function readManifest(dir: string): ImageCacheManifest | undefined {
  const file = join(dir, MANIFEST_FILE);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as ImageCacheManifest;
  } catch (e) {
    throw new Error(`${file} is not valid JSON (${(e as Error).message}); delete the folder ${dir} to rebuild the cache`, { cause: e });
  }
}

/** Write via a temporary file and rename, so an interrupted write never leaves half a manifest. */
export function writeManifest(dir: string, manifest: ImageCacheManifest): void {
  const file = join(dir, MANIFEST_FILE);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

/** How `manifest` differs from `request`, in words; empty when it is the cache asked for. */
export function manifestMismatches(manifest: ImageCacheManifest, request: ImageCacheRequest): string[] {
  const problems: string[] = [];
  if (manifest.format !== IMAGE_CACHE_FORMAT) problems.push(`format ${String(manifest.format)} instead of ${IMAGE_CACHE_FORMAT}`);
  if (manifest.dataset !== request.dataset) problems.push(`data set '${manifest.dataset}' instead of '${request.dataset}'`);
  if (manifest.side !== request.side) problems.push(`resolution ${manifest.side} px instead of ${request.side} px`);
  for (const split of CACHE_SPLITS) {
    const have = manifest.splits?.[split];
    const want = request.splits[split];
    if (have === undefined) problems.push(`no ${split} split`);
    else if (have.count !== want.count) problems.push(`${have.count} ${split} images instead of ${want.count}`);
    else if (have.sourceSha256 !== want.sourceSha256) problems.push(`${split} built from a different ${have.source} (SHA-256 differs)`);
  }
  return problems;
}

/** The failures recorded for a split so far, one per path (a retried image keeps its last reason). */
export function readFailures(dir: string, split: CacheSplit): FailedImage[] {
  const file = splitFile(dir, split, 'failures.jsonl');
  if (!existsSync(file)) return [];
  const byPath = new Map<string, FailedImage>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      const f = JSON.parse(line) as FailedImage;
      byPath.set(f.path, f);
    } catch {
      // A line cut short by an interrupted append: that image is still pending and will be retried.
    }
  }
  return [...byPath.values()];
}
