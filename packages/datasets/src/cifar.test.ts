import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classHistogram } from '@fedloge/core/data';
import { beforeAll, describe, expect, it } from 'vitest';
import { CIFAR10_DIR, loadRealCifar10 } from './__fixtures__/real-data.js';
import { deadUrl } from './__fixtures__/http-server.js';
import { CIFAR10, CIFAR100, loadCifar } from './cifar.js';
import { CIFAR100_CLASS_NAMES } from './cifar-class-names.js';
import { parseCifarRecords } from './cifar-records.js';
import type { InMemoryImageDataset } from './in-memory-image-dataset.js';

const RECORD = 3073;
const freshDir = (tag: string) => mkdtempSync(join(tmpdir(), `fedloge-cifar-${tag}-`));
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('CIFAR-10 from the official binary layout', () => {
  let data: InMemoryImageDataset;
  const testFile = readFileSync(join(CIFAR10_DIR, 'test_batch.bin'));
  beforeAll(async () => {
    data = await loadRealCifar10();
  });

  it('has the official split sizes: 5 000 train and 1 000 test images per class', () => {
    expect(data.imageShape).toEqual([32, 32, 3]);
    expect(data.train.count).toBe(50000);
    expect(data.test.count).toBe(10000);
    expect(classHistogram(data.train.labels, range(50000), 10)).toEqual(new Array(10).fill(5000));
    expect(classHistogram(data.test.labels, range(10000), 10)).toEqual(new Array(10).fill(1000));
    expect(data.classNames).toEqual(readFileSync(join(CIFAR10_DIR, 'batches.meta.txt'), 'utf8').split('\n').filter(Boolean));
  });

  it('reads labels and pixels of known records: label byte, then R, G, B planes → HWC', () => {
    for (const record of [0, 1, 4321, 9999]) {
      const base = record * RECORD;
      expect(data.test.labels[record]).toBe(testFile[base]);
      for (const [y, x] of [
        [0, 0],
        [0, 31],
        [17, 5],
        [31, 31],
      ] as const) {
        for (let c = 0; c < 3; c++) {
          expect(data.test.pixels[record * 3072 + (y * 32 + x) * 3 + c]).toBe(testFile[base + 1 + c * 1024 + y * 32 + x]);
        }
      }
    }
    // Train images continue across files: image 10 000 is record 0 of data_batch_2.bin.
    const batch2 = readFileSync(join(CIFAR10_DIR, 'data_batch_2.bin'));
    expect(data.train.labels[10000]).toBe(batch2[0]);
    expect(data.train.pixels[10000 * 3072 + 2]).toBe(batch2[1 + 2048]); // pixel (0,0), blue
  });

  it('puts channels in R, G, B order: per-channel train statistics match the published ones', () => {
    const sums = [0, 0, 0];
    const squares = [0, 0, 0];
    const pixels = data.train.pixels;
    for (let i = 0; i < pixels.length; i += 3) {
      for (let c = 0; c < 3; c++) {
        const v = pixels[i + c]! / 255;
        sums[c]! += v;
        squares[c]! += v * v;
      }
    }
    const n = pixels.length / 3;
    const mean = sums.map((s) => s / n);
    const std = squares.map((s, c) => Math.sqrt(s / n - mean[c]! ** 2));
    expect(mean.map((m) => m.toFixed(4))).toEqual(['0.4914', '0.4822', '0.4465']);
    expect(std.map((s) => s.toFixed(4))).toEqual(['0.2470', '0.2435', '0.2616']);
  });

  it('verifies the shared rebuilt copy by its SHA256SUMS and records the files read', () => {
    expect(data.provenance?.check).toBe(`SHA-256 of 6 files matches ${join(CIFAR10_DIR, 'SHA256SUMS')}`);
    expect(data.provenance?.files.map((f) => [f.path, f.records])).toEqual(
      [...CIFAR10.trainFiles, ...CIFAR10.testFiles].map((f) => [join(CIFAR10_DIR, f), 10000]),
    );
  });

  it('uses the ImageNet constants and RandomCrop(32, 4) + flip, like the reference', () => {
    expect(data.normalization).toEqual({ mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] });
    expect(data.augmentation).toEqual({ cropPadding: 4, horizontalFlip: true });
  });

  it('reads the same records from a .tar.gz in the official layout (made by the system tar)', async () => {
    const dir = freshDir('tarball');
    const inner = join(dir, 'src', CIFAR10.folder);
    mkdirSync(inner, { recursive: true });
    // 20 records per file keeps the archive small; the layout is the official one.
    for (const file of [...CIFAR10.trainFiles, ...CIFAR10.testFiles]) {
      writeFileSync(join(inner, file), readFileSync(join(CIFAR10_DIR, file)).subarray(0, 20 * RECORD));
    }
    execFileSync('tar', ['-czf', join(dir, CIFAR10.tarball), '-C', join(dir, 'src'), CIFAR10.folder]);
    // A shortened archive: its own MD5 and record counts stand in for the official ones.
    const short = {
      ...CIFAR10,
      tarballMd5: createHash('md5')
        .update(readFileSync(join(dir, CIFAR10.tarball)))
        .digest('hex'),
      recordsPerFile: Object.fromEntries([...CIFAR10.trainFiles, ...CIFAR10.testFiles].map((f) => [f, 20])),
    };
    const fromTar = await loadCifar(short, { dataDir: dir, download: false, cacheDir: freshDir('unused') });
    expect(fromTar.train.count).toBe(100);
    expect(fromTar.test.count).toBe(20);
    expect(Array.from(fromTar.test.labels)).toEqual(Array.from(data.test.labels.subarray(0, 20)));
    expect(Buffer.from(fromTar.test.pixels).equals(Buffer.from(data.test.pixels.subarray(0, 20 * 3072)))).toBe(true);
    // Train image 20 of the tarball is record 0 of its (shortened) data_batch_2.bin = official train image 10 000.
    expect(
      Buffer.from(fromTar.train.pixels.subarray(20 * 3072, 21 * 3072)).equals(
        Buffer.from(data.train.pixels.subarray(10000 * 3072, 10001 * 3072)),
      ),
    ).toBe(true);
  });

  it('extracts a cached tarball once: the next load reads the record files, verified by the SHA256SUMS written with them', async () => {
    const dir = freshDir('extract');
    const inner = join(dir, 'src', CIFAR10.folder);
    mkdirSync(inner, { recursive: true });
    for (const file of [...CIFAR10.trainFiles, ...CIFAR10.testFiles]) {
      writeFileSync(join(inner, file), readFileSync(join(CIFAR10_DIR, file)).subarray(0, 10 * RECORD));
    }
    const cache = join(dir, 'cache');
    mkdirSync(cache);
    execFileSync('tar', ['-czf', join(cache, CIFAR10.tarball), '-C', join(dir, 'src'), CIFAR10.folder]);
    const short = {
      ...CIFAR10,
      tarballMd5: createHash('md5')
        .update(readFileSync(join(cache, CIFAR10.tarball)))
        .digest('hex'),
      recordsPerFile: Object.fromEntries([...CIFAR10.trainFiles, ...CIFAR10.testFiles].map((f) => [f, 10])),
    };
    const first = await loadCifar(short, { cacheDir: cache, download: false });
    expect(first.provenance?.check).toContain('MD5 of');
    for (const file of [...CIFAR10.trainFiles, ...CIFAR10.testFiles]) {
      expect(readFileSync(join(cache, file)).equals(readFileSync(join(inner, file)))).toBe(true);
    }
    const second = await loadCifar(short, { cacheDir: cache, download: false });
    expect(second.provenance?.check).toBe(`SHA-256 of 6 files matches ${join(cache, 'SHA256SUMS')}`);
    expect(second.provenance?.files[0]?.path).toBe(join(cache, 'data_batch_1.bin'));
    expect(Buffer.from(second.train.pixels).equals(Buffer.from(first.train.pixels))).toBe(true);
    expect(Array.from(second.test.labels)).toEqual(Array.from(first.test.labels));
    // The extracted files stay checked: a changed byte is refused, naming the file.
    const batch = readFileSync(join(cache, 'test_batch.bin'));
    batch[5] = batch[5]! ^ 0xff;
    writeFileSync(join(cache, 'test_batch.bin'), batch);
    await expect(loadCifar(short, { cacheDir: cache, download: false })).rejects.toThrow(`${join(cache, 'test_batch.bin')}: SHA-256`);
  });

  it('names the tarball and the missing entry when the archive is not the official one', async () => {
    const dir = freshDir('wrongtar');
    mkdirSync(join(dir, 'src', 'other'), { recursive: true });
    writeFileSync(join(dir, 'src', 'other', 'x.bin'), 'x');
    execFileSync('tar', ['-czf', join(dir, CIFAR10.tarball), '-C', join(dir, 'src'), 'other']);
    const tarballMd5 = createHash('md5')
      .update(readFileSync(join(dir, CIFAR10.tarball)))
      .digest('hex');
    await expect(loadCifar({ ...CIFAR10, tarballMd5 }, { dataDir: dir, download: false, cacheDir: freshDir('unused') })).rejects.toThrow(
      `${join(dir, CIFAR10.tarball)} has no entry cifar-10-batches-bin/data_batch_1.bin`,
    );
  });

  it('names the file whose size is not a whole number of records', async () => {
    const dir = freshDir('truncated');
    for (const file of [...CIFAR10.trainFiles, ...CIFAR10.testFiles]) {
      writeFileSync(join(dir, file), readFileSync(join(CIFAR10_DIR, file)).subarray(0, 3 * RECORD));
    }
    writeFileSync(join(dir, 'data_batch_3.bin'), readFileSync(join(CIFAR10_DIR, 'data_batch_3.bin')).subarray(0, 3 * RECORD - 1));
    const short = { ...CIFAR10, recordsPerFile: Object.fromEntries([...CIFAR10.trainFiles, ...CIFAR10.testFiles].map((f) => [f, 3])) };
    await expect(loadCifar(short, { dataDir: dir, download: false })).rejects.toThrow(
      `${join(dir, 'data_batch_3.bin')}: 9218 bytes = 2 records and 3072 stray bytes`,
    );
  });

  it('says where it looked and how to fix it when nothing is found', async () => {
    const empty = freshDir('empty');
    const cache = freshDir('cache');
    const offline = loadCifar(CIFAR10, { cacheDir: cache, mirror: await deadUrl() });
    await expect(offline).rejects.toThrow(
      `CIFAR-10 (the cifar-10-batches-bin record files or cifar-10-binary.tar.gz) was not found. Looked in:\n  - ${cache}\n`,
    );
    await expect(offline).rejects.toThrow(/ECONNREFUSED[^]*pass --data-dir DIR/);
    await expect(loadCifar(CIFAR100, { cacheDir: cache, download: false })).rejects.toThrow('Downloading is disabled.');
    await expect(loadCifar(CIFAR100, { dataDir: empty, cacheDir: cache })).rejects.toThrow(`--data-dir ${empty} does not hold CIFAR-100`);
  });
});

describe('parseCifarRecords', () => {
  const tenRecords = readFileSync(join(CIFAR10_DIR, 'test_batch.bin')).subarray(0, 10 * RECORD);
  const cifar10 = parseCifarRecords([{ source: 'c10', bytes: tenRecords }], CIFAR10.layout);

  it('reads CIFAR-100 records (coarse, fine, pixels) using the fine label', () => {
    // The same images re-packed in CIFAR-100's layout, with coarse label 19 − fine.
    const packed = Buffer.alloc(10 * 3074);
    for (let r = 0; r < 10; r++) {
      packed[r * 3074] = 19 - tenRecords[r * RECORD]!;
      packed[r * 3074 + 1] = tenRecords[r * RECORD]!;
      tenRecords.copy(packed, r * 3074 + 2, r * RECORD + 1, (r + 1) * RECORD);
    }
    const cifar100 = parseCifarRecords([{ source: 'c100', bytes: packed }], CIFAR100.layout);
    expect(Array.from(cifar100.labels)).toEqual(Array.from(cifar10.labels));
    expect(Buffer.from(cifar100.pixels).equals(Buffer.from(cifar10.pixels))).toBe(true);
    expect(CIFAR100_CLASS_NAMES).toHaveLength(100);
    expect(new Set(CIFAR100_CLASS_NAMES).size).toBe(100);
  });

  it('rejects a label outside the classes, naming the file and record', () => {
    const bad = Buffer.from(tenRecords);
    bad[3 * RECORD] = 10;
    expect(() => parseCifarRecords([{ source: 'bad.bin', bytes: bad }], CIFAR10.layout)).toThrow(
      'bad.bin: record 3 has label 10 but there are only 10 classes',
    );
  });

  it('rejects an empty file', () => {
    expect(() => parseCifarRecords([{ source: 'empty.bin', bytes: new Uint8Array(0) }], CIFAR10.layout)).toThrow(/^empty\.bin: 0 bytes/);
  });
});
