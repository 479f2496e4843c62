// @fedloge/datasets: image data sets from their official files, long-tailed subsets, federated partitions.
export { loadDataset, DATASET_NAMES, DATASET_LOADERS } from './loadDataset.js';
export type { DatasetName, LoadDatasetOptions } from './loadDataset.js';
export {
  BUILTIN_DATASET_PLUGINS,
  cifar100Plugin,
  cifar10Plugin,
  datasetSourceOptions,
  fashionMnistPlugin,
  sourceOptions,
} from './dataset-plugins.js';
export type { DatasetSourcePluginOptions } from './dataset-plugins.js';
export { buildFederatedData } from './federatedData.js';
export type { BuiltFederatedData, FederatedDataOptions } from './federatedData.js';

export { loadFashionMnist, FASHION_MNIST_FILES, FASHION_MNIST_SYSTEM_DIR, FASHION_MNIST_URL, FASHION_MNIST_CLASS_NAMES } from './fashionMnist.js';
export type { FashionMnistOptions } from './fashionMnist.js';
export { loadCifar, CIFAR10, CIFAR100, CIFAR_URL } from './cifar.js';
export type { CifarOptions, CifarVariant } from './cifar.js';
export { CIFAR10_CLASS_NAMES, CIFAR100_CLASS_NAMES } from './cifarClassNames.js';
export type { DatasetSourceOptions } from './datasetSource.js';
export type { DatasetProvenance, DataFileRead } from './provenance.js';
export { CHECKSUM_FILE } from './checksumFile.js';
export { datasetCacheDir, CACHE_ENV_VAR } from './cacheDir.js';
export type { DownloadProgress, ProgressCallback } from './download.js';

export { InMemoryImageDataset } from './inMemoryImageDataset.js';
export type { InMemoryImageDatasetInit, RawImageSplit } from './inMemoryImageDataset.js';
export { CIFAR_AUGMENTATION } from './augmentation.js';
export type { AugmentationSpec } from './augmentation.js';
export { FASHION_MNIST_NORMALIZATION, IMAGENET_NORMALIZATION, CIFAR100_NORMALIZATION } from './normalization.js';
export type { Normalization } from './normalization.js';

export { longTailCounts, longTailSubset } from './longTail.js';
export type { LongTailSubset } from './longTail.js';
export { dirichletPartition } from './dirichletPartition.js';
export type { DirichletPartitionOptions } from './dirichletPartition.js';
export { iidPartition } from './iidPartition.js';
export { localTestCounts, drawLocalTestSets } from './localTestSets.js';
export { serializePartition, writePartitionFile, readPartitionFile, validatePartition } from './partitionFile.js';
