/**
 * Extracting a verified CIFAR tarball into the cache once, so that later runs (and every worker
 * thread of this run) read the record files instead of decompressing and untarring ~170 MB again.
 *
 * The files are written beside the tarball with a `SHA256SUMS` of their bytes, written last: the
 * loader verifies an extracted folder against it (cifar-integrity.ts), so the extraction stays tied
 * to the tarball whose MD5 was checked. Each file is written under a temporary name and renamed, so
 * an interrupted extraction leaves no partial file; the loader only takes the folder when every
 * record file and the sums are there, and otherwise reads the tarball and extracts again.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHECKSUM_FILE } from './checksum-file.js';
import type { CifarRecordFile } from './cifar-records.js';
import { sha256Hex } from './digest.js';

/**
 * Writes the record files and their SHA256SUMS into `folder`. Returns null on success, or why the
 * files could not be written (a read-only cache, a full disk): extracting only saves time, so the
 * caller reports the reason and goes on with the records it already holds.
 */
export function extractCifarRecords(folder: string, records: ReadonlyMap<string, CifarRecordFile>): string | null {
  try {
    const sums: string[] = [];
    for (const [name, { bytes }] of records) {
      writeAtomically(join(folder, name), bytes);
      sums.push(`${sha256Hex(bytes)}  ${name}`);
    }
    writeAtomically(join(folder, CHECKSUM_FILE), Buffer.from(`${sums.join('\n')}\n`));
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

function writeAtomically(path: string, bytes: Uint8Array): void {
  const temp = `${path}.${process.pid}.partial`;
  writeFileSync(temp, bytes);
  renameSync(temp, path);
}
