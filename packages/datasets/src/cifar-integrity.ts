/**
 * Integrity checks of CIFAR record files before they are parsed: every file must hold exactly the
 * official number of records, and its bytes must match a checksum — the official tarball's MD5, the
 * official extraction's per-file SHA-1, or a `SHA256SUMS` file beside a deliberately rebuilt copy.
 * A truncated file (even one cut at a record boundary) or a flipped byte is refused, naming the file.
 */
import { join } from 'node:path';
import { CHECKSUM_FILE, readChecksumFile } from './checksum-file.js';
import type { CifarRecordFile, CifarRecordLayout } from './cifar-records.js';
import { sha1Hex, sha256Hex } from './digest.js';

/** What the checks need to know of a CIFAR variant. */
export interface CifarFileFacts {
  readonly title: string;
  readonly tarball: string;
  readonly layout: CifarRecordLayout;
  /** Records in each official file. */
  readonly recordsPerFile: Readonly<Record<string, number>>;
  /** SHA-1 of each file of the official extraction. */
  readonly extractedSha1: Readonly<Record<string, string>>;
}

const PIXEL_BYTES = 3 * 32 * 32;

/** Refuse a file whose size is not exactly its official record count. */
export function checkRecordCounts(variant: CifarFileFacts, files: ReadonlyMap<string, CifarRecordFile>): void {
  const recordBytes = variant.layout.labelBytes + PIXEL_BYTES;
  for (const [name, { source, bytes }] of files) {
    const expected = variant.recordsPerFile[name];
    if (expected === undefined) throw new Error(`${source}: ${name} is not a ${variant.title} record file`);
    if (bytes.length === expected * recordBytes) continue;
    const whole = Math.floor(bytes.length / recordBytes);
    const stray = bytes.length % recordBytes;
    throw new Error(
      `${source}: ${bytes.length} bytes = ${whole} records${stray ? ` and ${stray} stray bytes` : ''}, but ${variant.title}'s ${name} ` +
        `holds ${expected} records of ${recordBytes} bytes (${expected * recordBytes} bytes); the file is truncated, padded or ` +
        `of another data set. Restore it from ${variant.tarball}.`,
    );
  }
}

/**
 * Verify the record files read from `folder`: record counts, then checksums — against
 * `folder/SHA256SUMS` when present (every file must be listed there), else against the official
 * extraction's SHA-1. Returns the check that passed, in words.
 */
export function verifyCifarFolder(variant: CifarFileFacts, folder: string, files: ReadonlyMap<string, CifarRecordFile>): string {
  checkRecordCounts(variant, files);
  const sums = readChecksumFile(folder);
  const sumsPath = join(folder, CHECKSUM_FILE);
  if (sums !== undefined) {
    for (const [name, { source, bytes }] of files) {
      const expected = sums.get(name);
      if (expected === undefined) {
        throw new Error(
          `${source}: not listed in ${sumsPath}; add its line (sha256sum ${name} >> ${CHECKSUM_FILE}) or restore the file list`,
        );
      }
      const actual = sha256Hex(bytes);
      if (actual !== expected) {
        throw new Error(
          `${source}: SHA-256 ${actual} differs from ${expected} listed in ${sumsPath}; the file is corrupt ` +
            '(changed or missing bytes). Restore it from the copy the SHA256SUMS file was written for.',
        );
      }
    }
    return `SHA-256 of ${files.size} files matches ${sumsPath}`;
  }
  for (const [name, { source, bytes }] of files) {
    const expected = variant.extractedSha1[name];
    const actual = sha1Hex(bytes);
    if (actual !== expected) {
      throw new Error(
        `${source}: SHA-1 ${actual} is not the official ${expected ?? '(unknown)'} of ${name} from ${variant.tarball}; the file is ` +
          `corrupt or not from the official release. Re-extract ${variant.tarball}, or, for a deliberately rebuilt copy, ` +
          `list its files' SHA-256 in ${sumsPath} (sha256sum *.bin > ${CHECKSUM_FILE}).`,
      );
    }
  }
  return `SHA-1 of ${files.size} files matches the official ${variant.tarball} extraction`;
}
