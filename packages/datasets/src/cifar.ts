/**
 * CIFAR-10 and CIFAR-100 (Krizhevsky, "Learning Multiple Layers of Features from Tiny Images", 2009)
 * from the official binary version: an extracted folder or the official `.tar.gz`, downloaded into
 * the cache when absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CIFAR_AUGMENTATION, type AugmentationSpec } from './augmentation.js';
import { CIFAR100_CLASS_NAMES, CIFAR10_CLASS_NAMES } from './cifarClassNames.js';
import { parseCifarRecords, type CifarRecordFile, type CifarRecordLayout } from './cifarRecords.js';
import { dataNotFoundError, searchFolders, type DatasetSourceOptions } from './datasetSource.js';
import { md5OfFile } from './digest.js';
import { downloadFile } from './download.js';
import { gunzipFile } from './gzip.js';
import { InMemoryImageDataset } from './inMemoryImageDataset.js';
import { CIFAR100_NORMALIZATION, IMAGENET_NORMALIZATION, type Normalization } from './normalization.js';
import { readTarFiles } from './tar.js';

/** One CIFAR variant: its files, record layout and preprocessing. */
export interface CifarVariant {
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
  normalization: CIFAR100_NORMALIZATION,
  classNames: CIFAR100_CLASS_NAMES,
};

export const CIFAR_URL = 'https://www.cs.toronto.edu/~kriz/';

export interface CifarOptions extends DatasetSourceOptions {
  /** Train-time augmentation. @default random crop 32 with zero padding 4 + horizontal flip */
  readonly augmentation?: AugmentationSpec | null;
}

/**
 * Load a CIFAR variant. Folders are searched in the order `dataDir`, `dataDir/<variant folder>`, then
 * the cache (`$FEDLOGE_CACHE/<name>`); in each, the extracted record files win over the official tarball.
 * When neither is found, the tarball is downloaded into the cache and checked against its official MD5.
 */
export async function loadCifar(variant: CifarVariant, options: CifarOptions = {}): Promise<InMemoryImageDataset> {
  const { folders, cacheDir } = searchFolders(options, variant.name, [variant.folder]);
  const files = [...variant.trainFiles, ...variant.testFiles];
  let recordFiles: Map<string, CifarRecordFile> | undefined;
  for (const folder of folders) {
    if (files.every((f) => existsSync(join(folder, f)))) {
      recordFiles = new Map(files.map((f) => [f, { source: join(folder, f), bytes: readFileSync(join(folder, f)) }]));
      break;
    }
    if (existsSync(join(folder, variant.tarball))) {
      recordFiles = readTarball(variant, join(folder, variant.tarball));
      break;
    }
  }
  if (recordFiles === undefined) {
    const tarball = join(cacheDir, variant.tarball);
    await downloadTarball(variant, folders, tarball, options);
    recordFiles = readTarball(variant, tarball);
  }
  const pick = (names: readonly string[]) => names.map((n) => recordFiles.get(n)!);
  return new InMemoryImageDataset({
    name: variant.name,
    numClasses: variant.layout.numClasses,
    imageShape: [32, 32, 3],
    classNames: variant.classNames,
    train: parseCifarRecords(pick(variant.trainFiles), variant.layout),
    test: parseCifarRecords(pick(variant.testFiles), variant.layout),
    normalization: variant.normalization,
    augmentation: options.augmentation === undefined ? CIFAR_AUGMENTATION : options.augmentation,
  });
}

/** The record files inside the official tarball (entries `<folder>/<file>`). */
function readTarball(variant: CifarVariant, path: string): Map<string, CifarRecordFile> {
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
  return out;
}

async function downloadTarball(variant: CifarVariant, looked: readonly string[], dest: string, options: CifarOptions): Promise<void> {
  const url = `${options.mirror ?? CIFAR_URL}${variant.tarball}`;
  const fixes = [
    `pass --data-dir DIR where DIR holds ${variant.folder}/ (${[...variant.trainFiles, ...variant.testFiles].join(', ')}) or ${variant.tarball}`,
    `allow network access so ${url} can be downloaded into ${dest}`,
  ];
  const label = `${variant.title} (the ${variant.folder} record files or ${variant.tarball})`;
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
