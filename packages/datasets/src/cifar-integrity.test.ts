import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CIFAR10, CIFAR100, loadCifar, type CifarVariant } from './cifar.js';
import { loadFashionMnist } from './fashion-mnist.js';

// Tiny fake CIFAR-10: 4 records per file, the official layout (1 label byte + 3 072 pixel bytes).
const RECORD = 3073;
const PER_FILE = 4;
const FILES = [...CIFAR10.trainFiles, ...CIFAR10.testFiles];
const TINY: CifarVariant = { ...CIFAR10, recordsPerFile: Object.fromEntries(FILES.map((f) => [f, PER_FILE])) };
const freshDir = (tag: string) => mkdtempSync(join(tmpdir(), `fedloge-integrity-${tag}-`));
const hex = (algorithm: string, bytes: Uint8Array) => createHash(algorithm).update(bytes).digest('hex');

/** Deterministic fake record file: labels (fileIndex + r) % 10, pixels a byte pattern. */
function fakeRecords(fileIndex: number, records = PER_FILE): Buffer {
  const bytes = Buffer.alloc(records * RECORD);
  for (let r = 0; r < records; r++) {
    bytes[r * RECORD] = (fileIndex + r) % 10;
    for (let p = 1; p < RECORD; p++) bytes[r * RECORD + p] = (p * 7 + r * 13 + fileIndex * 31) & 0xff;
  }
  return bytes;
}

/** A folder of fake batches, with a SHA256SUMS written by the system's sha256sum unless `sums` is false. */
function fakeFolder(sums = true): string {
  const dir = freshDir('folder');
  FILES.forEach((f, i) => writeFileSync(join(dir, f), fakeRecords(i)));
  if (sums) writeFileSync(join(dir, 'SHA256SUMS'), execFileSync('sha256sum', FILES, { cwd: dir }));
  return dir;
}

const load = (variant: CifarVariant, dataDir: string) => loadCifar(variant, { dataDir, download: false, cacheDir: freshDir('cache') });

describe('CIFAR integrity: an extracted folder with a SHA256SUMS file', () => {
  it('loads it, and says which files were read (with record counts) and which check passed', async () => {
    const dir = fakeFolder();
    const data = await load(TINY, dir);
    expect(data.train.count).toBe(5 * PER_FILE);
    expect(data.test.labels[1]).toBe(6); // test_batch.bin is file 5: label (5 + 1) % 10
    expect(data.provenance?.check).toBe(`SHA-256 of 6 files matches ${join(dir, 'SHA256SUMS')}`);
    expect(data.provenance?.files).toEqual(FILES.map((f) => ({ path: join(dir, f), bytes: PER_FILE * RECORD, records: PER_FILE })));
  });

  it('refuses a file with one flipped byte, naming the file', async () => {
    const dir = fakeFolder();
    const bytes = readFileSync(join(dir, 'data_batch_4.bin'));
    bytes[2 * RECORD + 100]! ^= 0x01; // a pixel bit: the record still parses
    writeFileSync(join(dir, 'data_batch_4.bin'), bytes);
    await expect(load(TINY, dir)).rejects.toThrow(
      `${join(dir, 'data_batch_4.bin')}: SHA-256 ${hex('sha256', bytes)} differs from ${hex('sha256', fakeRecords(3))} listed in ${join(dir, 'SHA256SUMS')}`,
    );
  });

  it('refuses a file cut at a record boundary, naming the file and the counts', async () => {
    const dir = fakeFolder();
    writeFileSync(join(dir, 'test_batch.bin'), fakeRecords(5).subarray(0, 3 * RECORD));
    await expect(load(TINY, dir)).rejects.toThrow(
      `${join(dir, 'test_batch.bin')}: 9219 bytes = 3 records, but CIFAR-10's test_batch.bin holds 4 records of 3073 bytes (12292 bytes)`,
    );
  });

  it('refuses a file cut inside a record, naming the stray bytes', async () => {
    const dir = fakeFolder();
    writeFileSync(join(dir, 'data_batch_2.bin'), fakeRecords(1).subarray(0, 3 * RECORD + 10));
    await expect(load(TINY, dir)).rejects.toThrow(`${join(dir, 'data_batch_2.bin')}: 9229 bytes = 3 records and 10 stray bytes`);
  });

  it('refuses a file that SHA256SUMS does not list', async () => {
    const dir = fakeFolder();
    writeFileSync(join(dir, 'SHA256SUMS'), execFileSync('sha256sum', FILES.slice(1), { cwd: dir }));
    await expect(load(TINY, dir)).rejects.toThrow(`${join(dir, 'data_batch_1.bin')}: not listed in ${join(dir, 'SHA256SUMS')}`);
  });

  it('refuses a malformed SHA256SUMS line, naming the line', async () => {
    const dir = fakeFolder();
    writeFileSync(join(dir, 'SHA256SUMS'), 'abc data_batch_1.bin\n');
    await expect(load(TINY, dir)).rejects.toThrow(`${join(dir, 'SHA256SUMS')}:1: expected '<64 hex digits>  <file name>'`);
  });
});

describe('CIFAR integrity: an extracted folder without SHA256SUMS is checked against the official extraction', () => {
  it('refuses files that are not the official ones, saying how to vouch for a rebuilt copy', async () => {
    const dir = fakeFolder(false);
    const loading = load(TINY, dir);
    await expect(loading).rejects.toThrow(
      `${join(dir, 'data_batch_1.bin')}: SHA-1 ${hex('sha1', fakeRecords(0))} is not the official aadd24acce27caa71bf4b10992e9e7b2d74c2540 of data_batch_1.bin`,
    );
    await expect(loading).rejects.toThrow('sha256sum *.bin > SHA256SUMS');
  });

  it('accepts files whose SHA-1 are the official ones (here: a variant whose official digests are the fakes)', async () => {
    const dir = fakeFolder(false);
    const vouched: CifarVariant = { ...TINY, extractedSha1: Object.fromEntries(FILES.map((f, i) => [f, hex('sha1', fakeRecords(i))])) };
    const data = await load(vouched, dir);
    expect(data.provenance?.check).toBe('SHA-1 of 6 files matches the official cifar-10-binary.tar.gz extraction');
  });

  it('has an official record count and SHA-1 for every CIFAR-10 and CIFAR-100 file', () => {
    for (const variant of [CIFAR10, CIFAR100]) {
      for (const f of [...variant.trainFiles, ...variant.testFiles]) {
        expect(variant.recordsPerFile[f]).toBeGreaterThan(0);
        expect(variant.extractedSha1[f]).toMatch(/^[0-9a-f]{40}$/);
      }
    }
    expect(CIFAR100.recordsPerFile).toEqual({ 'train.bin': 50000, 'test.bin': 10000 });
  });
});

describe('CIFAR integrity: the official tarball', () => {
  /** A tarball of the fake files in the official layout; returns its folder and MD5. */
  function fakeTarball(mutate?: (dir: string) => void): { dir: string; md5: string } {
    const dir = freshDir('tar');
    const inner = join(dir, 'src', CIFAR10.folder);
    mkdirSync(inner, { recursive: true });
    FILES.forEach((f, i) => writeFileSync(join(inner, f), fakeRecords(i)));
    mutate?.(inner);
    const tarball = join(dir, CIFAR10.tarball);
    execFileSync('tar', ['-czf', tarball, '-C', join(dir, 'src'), CIFAR10.folder]);
    return { dir, md5: hex('md5', readFileSync(tarball)) };
  }

  it('refuses a tarball whose MD5 is not the official one, naming it', async () => {
    const { dir, md5 } = fakeTarball();
    await expect(load(TINY, dir)).rejects.toThrow(
      `${join(dir, CIFAR10.tarball)}: MD5 ${md5} is not the official c32a1d4ab5d03f1284b67883e8d87530 of cifar-10-binary.tar.gz`,
    );
  });

  it('reads a tarball with the expected MD5 and records that check', async () => {
    const { dir, md5 } = fakeTarball();
    const data = await load({ ...TINY, tarballMd5: md5 }, dir);
    expect(data.train.count).toBe(20);
    expect(data.provenance?.check).toBe(`MD5 of ${join(dir, CIFAR10.tarball)} matches the official cifar-10-binary.tar.gz (${md5})`);
    expect(data.provenance?.files[0]).toEqual({
      path: `${join(dir, CIFAR10.tarball)}:cifar-10-batches-bin/data_batch_1.bin`,
      bytes: 4 * RECORD,
      records: 4,
    });
  });

  it('still counts the records of every entry', async () => {
    const { dir, md5 } = fakeTarball((inner) => writeFileSync(join(inner, 'data_batch_5.bin'), fakeRecords(4, 5)));
    await expect(load({ ...TINY, tarballMd5: md5 }, dir)).rejects.toThrow(
      `${join(dir, CIFAR10.tarball)}:cifar-10-batches-bin/data_batch_5.bin: 15365 bytes = 5 records, but CIFAR-10's data_batch_5.bin holds 4 records`,
    );
  });
});

describe('--data-dir that does not hold the data set', () => {
  it('is an error for CIFAR even when the cache holds a valid copy (no silent fall-back)', async () => {
    const cache = fakeFolder();
    const empty = freshDir('empty');
    const loading = loadCifar(TINY, { dataDir: empty, cacheDir: cache });
    await expect(loading).rejects.toThrow(
      `--data-dir ${empty} does not hold CIFAR-10 (the cifar-10-batches-bin record files or cifar-10-binary.tar.gz). Looked in:\n` +
        `  - ${empty}\n  - ${join(empty, 'cifar-10-batches-bin')}\n`,
    );
    // Without --data-dir the same cache is used.
    expect((await loadCifar(TINY, { cacheDir: cache })).train.count).toBe(20);
  });

  it('is an error for Fashion-MNIST even though the system folder holds it', async () => {
    const empty = freshDir('empty-fm');
    await expect(loadFashionMnist({ dataDir: empty, download: false })).rejects.toThrow(
      `--data-dir ${empty} does not hold Fashion-MNIST. Looked in:\n  - ${empty}\n  - ${join(empty, 'fashion-mnist')}\n`,
    );
  });
});
