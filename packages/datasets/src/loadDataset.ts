import type { AugmentationSpec } from './augmentation.js';
import { CIFAR10, CIFAR100, loadCifar } from './cifar.js';
import type { DatasetSourceOptions } from './datasetSource.js';
import { loadFashionMnist } from './fashionMnist.js';
import type { InMemoryImageDataset } from './inMemoryImageDataset.js';

/** The built-in data sets, by the name the CLI accepts. */
export const DATASET_LOADERS = {
  'fashion-mnist': loadFashionMnist,
  cifar10: (options: DatasetSourceOptions & { augmentation?: AugmentationSpec | null }) => loadCifar(CIFAR10, options),
  cifar100: (options: DatasetSourceOptions & { augmentation?: AugmentationSpec | null }) => loadCifar(CIFAR100, options),
} as const;

export type DatasetName = keyof typeof DATASET_LOADERS;
export const DATASET_NAMES = Object.keys(DATASET_LOADERS) as DatasetName[];

export interface LoadDatasetOptions extends DatasetSourceOptions {
  readonly name: DatasetName;
  /**
   * Train-time augmentation applied by `fillBatch(…, { augment: true })`.
   * @default crop 32 (zero padding 4) + horizontal flip for CIFAR; none for Fashion-MNIST
   */
  readonly augmentation?: AugmentationSpec | null;
}

/**
 * Load a built-in data set, looking in `dataDir`, the system folders and the cache, and downloading
 * into the cache when allowed (see `loadFashionMnist` and `loadCifar` for the search order).
 */
export function loadDataset(options: LoadDatasetOptions): Promise<InMemoryImageDataset> {
  const load = (DATASET_LOADERS as Record<string, (o: LoadDatasetOptions) => Promise<InMemoryImageDataset>>)[options.name];
  if (load === undefined) {
    return Promise.reject(new RangeError(`Unknown data set '${options.name}'; the known ones are ${DATASET_NAMES.join(', ')}`));
  }
  return load(options);
}
