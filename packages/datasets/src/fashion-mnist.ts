/**
 * Fashion-MNIST (Xiao, Rasul & Vollgraf, 2017, arXiv:1708.07747): 60 000 train and 10 000 test
 * 28×28 grey images of 10 clothing classes, read from the four official gzipped IDX files.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256Hex } from './digest.js';
import { downloadFile } from './download.js';
import { dataDirError, dataNotFoundError, searchFolders, type DatasetSourceOptions } from './dataset-source.js';
import { gunzipFile } from './gzip.js';
import { parseIdx } from './idx.js';
import { InMemoryImageDataset, type RawImageSplit } from './in-memory-image-dataset.js';
import { FASHION_MNIST_NORMALIZATION } from './normalization.js';
import type { DataFileRead } from './provenance.js';
import type { AugmentationSpec } from './augmentation.js';

/** The four official files with the SHA-256 of their *decompressed* contents (gzip headers vary by packager). */
export const FASHION_MNIST_FILES = {
  trainImages: { name: 'train-images-idx3-ubyte', sha256: 'c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888' },
  trainLabels: { name: 'train-labels-idx1-ubyte', sha256: 'bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9' },
  testImages: { name: 't10k-images-idx3-ubyte', sha256: '5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b' },
  testLabels: { name: 't10k-labels-idx1-ubyte', sha256: '0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34' },
} as const;

type FileKey = keyof typeof FASHION_MNIST_FILES;
const FILE_KEYS = Object.keys(FASHION_MNIST_FILES) as FileKey[];

/** Where Debian's `dataset-fashion-mnist` package installs the files. */
export const FASHION_MNIST_SYSTEM_DIR = '/usr/share/datasets/fashion-mnist';
export const FASHION_MNIST_URL = 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/';
export const FASHION_MNIST_CLASS_NAMES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
] as const;

export interface FashionMnistOptions extends DatasetSourceOptions {
  /** Train-time augmentation; Fashion-MNIST has none by default. */
  readonly augmentation?: AugmentationSpec | null;
}

/**
 * Load Fashion-MNIST. With `dataDir`, only `dataDir` and `dataDir/fashion-mnist` are searched (a
 * folder without the files is an error); otherwise `/usr/share/datasets/fashion-mnist`, then the
 * cache. The first folder that holds all four files wins (each as `<name>.gz` or already
 * decompressed as `<name>`). When none does (and no `dataDir` was given), the files are downloaded
 * into the cache. Every file's decompressed bytes are checked against the official SHA-256.
 */
export async function loadFashionMnist(options: FashionMnistOptions = {}): Promise<InMemoryImageDataset> {
  const { folders, cacheDir } = searchFolders(options, 'fashion-mnist', ['fashion-mnist'], [FASHION_MNIST_SYSTEM_DIR]);
  let files = folders.map(findFiles).find((f) => f !== undefined);
  if (files === undefined) {
    if (options.dataDir !== undefined) {
      throw dataDirError('Fashion-MNIST', options.dataDir, folders, FILE_KEYS.map((k) => `${FASHION_MNIST_FILES[k].name}(.gz)`).join(', '));
    }
    await downloadFashionMnist(folders, cacheDir, options);
    files = findFiles(cacheDir)!;
  }
  const read: DataFileRead[] = [];
  const train = readSplit(files, 'train', read);
  const test = readSplit(files, 'test', read);
  return new InMemoryImageDataset({
    name: 'fashion-mnist',
    numClasses: 10,
    imageShape: [28, 28, 1],
    classNames: FASHION_MNIST_CLASS_NAMES,
    train,
    test,
    normalization: FASHION_MNIST_NORMALIZATION,
    augmentation: options.augmentation ?? null,
    provenance: { files: read, check: 'SHA-256 of the 4 decompressed files matches the official Fashion-MNIST release' },
  });
}

/** Paths of the four files in `folder`, or undefined unless all four are there. */
function findFiles(folder: string): Record<FileKey, string> | undefined {
  const found: Partial<Record<FileKey, string>> = {};
  for (const key of FILE_KEYS) {
    const base = join(folder, FASHION_MNIST_FILES[key].name);
    const path = [`${base}.gz`, base].find((p) => existsSync(p));
    if (path === undefined) return undefined;
    found[key] = path;
  }
  return found as Record<FileKey, string>;
}

/** The decompressed contents of official file `key` at `path`, checked against its SHA-256. */
function readVerified(path: string, key: FileKey, gzipped = path.endsWith('.gz')): Buffer {
  const bytes = gzipped ? gunzipFile(path) : readFileSync(path);
  const actual = sha256Hex(bytes);
  const expected = FASHION_MNIST_FILES[key].sha256;
  if (actual !== expected) {
    throw new Error(
      `${path}: the decompressed contents have SHA-256 ${actual}, not the official ${expected} of ` +
        `${FASHION_MNIST_FILES[key].name}. The file is corrupt or belongs to another data set (e.g. MNIST); ` +
        'delete it and download it again.',
    );
  }
  return bytes;
}

/** One split from its images and labels files (`trainImages` + `trainLabels`, or the `test` pair). */
function readSplit(files: Record<FileKey, string>, split: 'train' | 'test', read: DataFileRead[]): RawImageSplit {
  const imagesPath = files[`${split}Images`];
  const labelsPath = files[`${split}Labels`];
  const imageBytes = readVerified(imagesPath, `${split}Images`);
  const labelBytes = readVerified(labelsPath, `${split}Labels`);
  const images = parseIdx(imageBytes, imagesPath, 3);
  const labels = parseIdx(labelBytes, labelsPath, 1);
  read.push(
    { path: imagesPath, bytes: imageBytes.length, records: images.dims[0]! },
    { path: labelsPath, bytes: labelBytes.length, records: labels.dims[0]! },
  );
  const [count, height, width] = images.dims as [number, number, number];
  if (height !== 28 || width !== 28) throw new Error(`${imagesPath}: images are ${height}×${width}, expected 28×28`);
  if (labels.dims[0] !== count) {
    throw new Error(`${labelsPath} has ${labels.dims[0]} labels but ${imagesPath} has ${count} images`);
  }
  return { count, pixels: images.data, labels: labels.data };
}

async function downloadFashionMnist(looked: readonly string[], cacheDir: string, options: DatasetSourceOptions): Promise<void> {
  const fixes = [
    'install the Debian package: sudo apt-get install dataset-fashion-mnist',
    `pass --data-dir DIR where DIR holds ${FILE_KEYS.map((k) => `${FASHION_MNIST_FILES[k].name}.gz`).join(', ')}`,
    `allow network access so they can be downloaded from ${FASHION_MNIST_URL} into ${cacheDir}`,
  ];
  if (options.download === false) {
    throw dataNotFoundError('Fashion-MNIST', looked, 'Downloading is disabled.', fixes);
  }
  const base = options.mirror ?? FASHION_MNIST_URL;
  for (const key of FILE_KEYS) {
    const { name } = FASHION_MNIST_FILES[key];
    const dest = join(cacheDir, `${name}.gz`);
    if (existsSync(dest)) continue; // an earlier, interrupted run got this one
    try {
      await downloadFile(`${base}${name}.gz`, dest, {
        ...(options.onProgress !== undefined ? { onProgress: options.onProgress } : {}),
        verify: (temp) => void readVerified(temp, key, true),
      });
    } catch (err) {
      throw dataNotFoundError('Fashion-MNIST', looked, (err as Error).message, fixes, err);
    }
  }
}
