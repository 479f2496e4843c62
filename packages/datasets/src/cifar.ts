/**
 * CIFAR-10 and CIFAR-100 (Krizhevsky, "Learning Multiple Layers of Features from Tiny Images", 2009)
 * from the official binary version: an extracted folder or the official `.tar.gz`, downloaded into
 * the cache when absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CIFAR_AUGMENTATION, type AugmentationSpec } from './augmentation.js';
import { CIFAR100_CLASS_NAMES, CIFAR10_CLASS_NAMES } from './cifar-class-names.js';
import { extractCifarRecords } from './cifar-extract.js';
import { checkRecordCounts, verifyCifarFolder, type CifarFileFacts } from './cifar-integrity.js';
import { parseCifarRecords, type CifarRecordFile, type CifarRecordLayout } from './cifar-records.js';
import { dataDirError, dataNotFoundError, searchFolders, type DatasetSourceOptions } from './dataset-source.js';
import { md5OfFile } from './digest.js';
import { downloadFile } from './download.js';
import { gunzipFile } from './gzip.js';
import { InMemoryImageDataset } from './in-memory-image-dataset.js';
import { CIFAR100_NORMALIZATION, IMAGENET_NORMALIZATION, type Normalization } from './normalization.js';
import type { DatasetProvenance } from './provenance.js';
import { readTarFiles } from './tar.js';

/** One CIFAR variant: its files, record layout, checksums and preprocessing. */
export interface CifarVariant extends CifarFileFacts {
  readonly name: 'cifar10' | 'cifar100';
  /** Human-readable name for messages. */
  readonly title: string;
  /** The folder the official tarball extracts to. */
  readonly folder: string;
  readonly trainFiles: readonly string[];
  readonly testFiles: readonly string[];
  readonly layout: CifarRecordLayout;
  readonly tarball: string;
  readonly tarballMd5: string;
  readonly normalization: Normalization;
  readonly classNames: readonly string[];
}

export const CIFAR10: CifarVariant = {
  name: 'cifar10',
  title: 'CIFAR-10',
  folder: 'cifar-10-batches-bin',
  trainFiles: ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'],
  testFiles: ['test_batch.bin'],
  layout: { labelBytes: 1, labelIndex: 0, numClasses: 10 },
  tarball: 'cifar-10-binary.tar.gz',
  tarballMd5: 'c32a1d4ab5d03f1284b67883e8d87530',
  recordsPerFile: {
    'data_batch_1.bin': 10000,
    'data_batch_2.bin': 10000,
    'data_batch_3.bin': 10000,
    'data_batch_4.bin': 10000,
    'data_batch_5.bin': 10000,
    'test_batch.bin': 10000,
  },
  // SHA-1 of the official extraction, as MXNet Gluon's data set registry publishes them.
  extractedSha1: {
    'data_batch_1.bin': 'aadd24acce27caa71bf4b10992e9e7b2d74c2540',
    'data_batch_2.bin': 'c0ba65cce70568cd57b4e03e9ac8d2a5367c1795',
    'data_batch_3.bin': '1dd00a74ab1d17a6e7d73e185b69dbf31242f295',
    'data_batch_4.bin': 'aab85764eb3584312d3c7f65fd2fd016e36a258e',
    'data_batch_5.bin': '26e2849e66a845b7f1e4614ae70f4889ae604628',
    'test_batch.bin': '67eb016db431130d61cd03c7ad570b013799c88c',
  },
  normalization: IMAGENET_NORMALIZATION,
  classNames: CIFAR10_CLASS_NAMES,
};

export const CIFAR100: CifarVariant = {
  name: 'cifar100',
  title: 'CIFAR-100',
  folder: 'cifar-100-binary',
  trainFiles: ['train.bin'],
  testFiles: ['test.bin'],
  // Records carry the coarse (20 super-classes) label, then the fine (100 classes) one; we use fine.
  layout: { labelBytes: 2, labelIndex: 1, numClasses: 100 },
  tarball: 'cifar-100-binary.tar.gz',
  tarballMd5: '03b5dce01913d631647c71ecec9e9cb8',
  recordsPerFile: { 'train.bin': 50000, 'test.bin': 10000 },
  extractedSha1: {
    'train.bin': 'e207cd2e05b73b1393c74c7f5e7bea451d63e08e',
    'test.bin': '8fb6623e830365ff53cf14adec797474f5478006',
  },
  normalization: CIFAR100_NORMALIZATION,
  classNames: CIFAR100_CLASS_NAMES,
};

export const CIFAR_URL = 'https://www.cs.toronto.edu/~kriz/';

export interface CifarOptions extends DatasetSourceOptions {
  /** Train-time augmentation. @default random crop 32 with zero padding 4 + horizontal flip */
  readonly augmentation?: AugmentationSpec | null;
}

/**
 * Load a CIFAR variant. With `dataDir`, only `dataDir` and `dataDir/<variant folder>` are searched
 * (a folder that does not hold the data set is an error, never a fall-back elsewhere); without it, the
 * cache (`$FEDLOGE_CACHE/<name>`). In each folder the extracted record files win over the official
 * tarball. When neither is found (and no `dataDir` was given), the tarball is downloaded into the cache.
 * Every file is verified before parsing (see cifar-integrity.ts); `provenance` says which files were
 * read and which check passed.
 */
export async function loadCifar(variant: CifarVariant, options: CifarOptions = {}): Promise<InMemoryImageDataset> {
  const { folders, cacheDir } = searchFolders(options, variant.name, [variant.folder]);
  const files = [...variant.trainFiles, ...variant.testFiles];
  let found: { records: Map<string, CifarRecordFile>; check: string } | undefined;
  for (const folder of folders) {
    if (files.every((f) => existsSync(join(folder, f)))) {
      const records = new Map(files.map((f) => [f, { source: join(folder, f), bytes: readFileSync(join(folder, f)) }]));
      found = { records, check: verifyCifarFolder(variant, folder, records) };
      break;
    }
    if (existsSync(join(folder, variant.tarball))) {
      found = await readTarball(variant, join(folder, variant.tarball));
      if (folder === cacheDir) extractIntoCache(variant, cacheDir, found.records);
      break;
    }
  }
  if (found === undefined) {
    if (options.dataDir !== undefined) throw dataDirError(cifarLabel(variant), options.dataDir, folders, cifarFileList(variant));
    const tarball = join(cacheDir, variant.tarball);
    await downloadTarball(variant, folders, tarball, options);
    found = await readTarball(variant, tarball);
    extractIntoCache(variant, cacheDir, found.records);
  }
  const { records, check } = found;
  const pick = (names: readonly string[]) => names.map((n) => records.get(n)!);
  const recordBytes = variant.layout.labelBytes + 3072;
  const provenance: DatasetProvenance = {
    files: files.map((f) => ({
      path: records.get(f)!.source,
      bytes: records.get(f)!.bytes.length,
      records: records.get(f)!.bytes.length / recordBytes,
    })),
    check,
  };
  return new InMemoryImageDataset({
    name: variant.name,
    numClasses: variant.layout.numClasses,
    imageShape: [32, 32, 3],
    classNames: variant.classNames,
    train: parseCifarRecords(pick(variant.trainFiles), variant.layout),
    test: parseCifarRecords(pick(variant.testFiles), variant.layout),
    normalization: variant.normalization,
    augmentation: options.augmentation === undefined ? CIFAR_AUGMENTATION : options.augmentation,
    provenance,
  });
}

const cifarLabel = (variant: CifarVariant) => `${variant.title} (the ${variant.folder} record files or ${variant.tarball})`;
const cifarFileList = (variant: CifarVariant) =>
  `${variant.folder}/ (${[...variant.trainFiles, ...variant.testFiles].join(', ')}) or ${variant.tarball}`;

/**
 * The record files inside the official tarball (entries `<folder>/<file>`), after checking the
 * tarball's MD5 against the official one and every entry's record count.
 */
async function readTarball(variant: CifarVariant, path: string): Promise<{ records: Map<string, CifarRecordFile>; check: string }> {
  const md5 = await md5OfFile(path);
  if (md5 !== variant.tarballMd5) {
    throw new Error(
      `${path}: MD5 ${md5} is not the official ${variant.tarballMd5} of ${variant.tarball}; the archive is corrupt, ` +
        'incomplete or repacked. Delete it and download it again.',
    );
  }
  const entries = readTarFiles(gunzipFile(path), path);
  const out = new Map<string, CifarRecordFile>();
  for (const file of [...variant.trainFiles, ...variant.testFiles]) {
    const bytes = entries.get(`${variant.folder}/${file}`);
    if (bytes === undefined) {
      throw new Error(
        `${path} has no entry ${variant.folder}/${file}; it is not the official ${variant.tarball} ` +
          `(entries: ${[...entries.keys()].slice(0, 8).join(', ')}${entries.size > 8 ? ', …' : ''})`,
      );
    }
    out.set(file, { source: `${path}:${variant.folder}/${file}`, bytes });
  }
  checkRecordCounts(variant, out);
  return { records: out, check: `MD5 of ${path} matches the official ${variant.tarball} (${variant.tarballMd5})` };
}

/**
 * Extracts a cached tarball's verified record files beside it (cifar-extract.ts), so the next load
 * reads them directly. Only in the cache: a --data-dir is the user's folder and is never written.
 */
function extractIntoCache(variant: CifarVariant, cacheDir: string, records: ReadonlyMap<string, CifarRecordFile>): void {
  const failure = extractCifarRecords(cacheDir, records);
  if (failure !== null) {
    process.emitWarning(
      `could not extract ${variant.tarball} into ${cacheDir} (${failure}); it will be read from the tarball again next time`,
    );
  }
}

async function downloadTarball(variant: CifarVariant, looked: readonly string[], dest: string, options: CifarOptions): Promise<void> {
  const url = `${options.mirror ?? CIFAR_URL}${variant.tarball}`;
  const fixes = [
    `pass --data-dir DIR where DIR holds ${cifarFileList(variant)}`,
    `allow network access so ${url} can be downloaded into ${dest}`,
  ];
  const label = cifarLabel(variant);
  if (options.download === false) throw dataNotFoundError(label, looked, 'Downloading is disabled.', fixes);
  try {
    await downloadFile(url, dest, {
      ...(options.onProgress !== undefined ? { onProgress: options.onProgress } : {}),
      verify: async (temp) => {
        const md5 = await md5OfFile(temp);
        if (md5 !== variant.tarballMd5) throw new Error(`the download has MD5 ${md5}, not the official ${variant.tarballMd5}`);
      },
    });
  } catch (err) {
    throw dataNotFoundError(label, looked, (err as Error).message, fixes, err);
  }
}
