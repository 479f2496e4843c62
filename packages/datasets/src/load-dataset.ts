import type { ImageDataset } from '@fedloge/core/data';
import type { AugmentationSpec } from './augmentation.js';
import { CIFAR10, CIFAR100, loadCifar } from './cifar.js';
import type { DatasetSourceOptions } from './dataset-source.js';
import { loadFashionMnist } from './fashion-mnist.js';
import { loadImageFolderList, type ImageFolderListOptions } from './image-folder-list.js';
import { loadImageNetLt, type ImageNetLtOptions } from './imagenet-lt.js';
import type { InMemoryImageDataset } from './in-memory-image-dataset.js';
import { loadINaturalist2018, type INaturalistOptions } from './inaturalist.js';
import type { DatasetProvenance } from './provenance.js';

/** The built-in data sets, by the name the CLI accepts. */
export const DATASET_LOADERS = {
  'fashion-mnist': loadFashionMnist,
  cifar10: (options: DatasetSourceOptions & { augmentation?: AugmentationSpec | null }) => loadCifar(CIFAR10, options),
  cifar100: (options: DatasetSourceOptions & { augmentation?: AugmentationSpec | null }) => loadCifar(CIFAR100, options),
  // The large image data sets: read from disk through a decoded cache, never downloaded.
  'imagenet-lt': (options: LoadDatasetOptions) => loadImageNetLt({ ...options.images, ...dataDirOf(options) }),
  inat2018: (options: LoadDatasetOptions) => loadINaturalist2018({ ...options.images, ...dataDirOf(options) }),
  'image-list': (options: LoadDatasetOptions) => loadImageFolderList({ ...options.images, ...dataDirOf(options) }),
} as const;

export type DatasetName = keyof typeof DATASET_LOADERS;
export const DATASET_NAMES = Object.keys(DATASET_LOADERS) as DatasetName[];
/** The data sets held in memory as an {@link InMemoryImageDataset}. */
export type InMemoryDatasetName = 'fashion-mnist' | 'cifar10' | 'cifar100';

/**
 * Options of the large image data sets (`imagenet-lt`, `inat2018`, `image-list`): list files, cache
 * resolution, crop size, cache folder. Each loader reads the fields it knows; the others ignore them.
 */
export type LargeImageDatasetOptions = Omit<ImageNetLtOptions & INaturalistOptions & ImageFolderListOptions, 'dataDir'>;

export interface LoadDatasetOptions extends DatasetSourceOptions {
  readonly name: DatasetName;
  /**
   * Train-time augmentation applied by `fillBatch(…, { augment: true })`.
   * @default crop 32 (zero padding 4) + horizontal flip for CIFAR; none for Fashion-MNIST
   */
  readonly augmentation?: AugmentationSpec | null;
  /** Settings of the large image data sets; see {@link LargeImageDatasetOptions}. */
  readonly images?: LargeImageDatasetOptions;
}

/** A loaded data set and, when it came from files, what was read. */
export type LoadedDataset = ImageDataset & { readonly provenance?: DatasetProvenance | undefined };

function dataDirOf(options: LoadDatasetOptions): { dataDir?: string } {
  return options.dataDir !== undefined ? { dataDir: options.dataDir } : {};
}

/**
 * Load a built-in data set, looking in `dataDir`, the system folders and the cache, and downloading
 * into the cache when allowed (see `loadFashionMnist` and `loadCifar` for the search order). The
 * large image data sets are read from `dataDir` only and decoded once into their cache (see
 * `loadImageNetLt`, `loadINaturalist2018`, `loadImageFolderList`).
 */
export function loadDataset(options: LoadDatasetOptions & { readonly name: InMemoryDatasetName }): Promise<InMemoryImageDataset>;
export function loadDataset(options: LoadDatasetOptions): Promise<LoadedDataset>;
export function loadDataset(options: LoadDatasetOptions): Promise<LoadedDataset> {
  const load = (DATASET_LOADERS as Record<string, (o: LoadDatasetOptions) => Promise<LoadedDataset>>)[options.name];
  if (load === undefined) {
    return Promise.reject(new RangeError(`Unknown data set '${options.name}'; the known ones are ${DATASET_NAMES.join(', ')}`));
  }
  return load(options);
}
