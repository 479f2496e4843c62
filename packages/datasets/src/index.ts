// @fedloge/datasets: image data sets from their official files, long-tailed subsets, federated partitions.
export { loadDataset, DATASET_NAMES, DATASET_LOADERS } from './load-dataset.js';
export type { DatasetName, InMemoryDatasetName, LargeImageDatasetOptions, LoadDatasetOptions, LoadedDataset } from './load-dataset.js';
export {
  BUILTIN_DATASET_PLUGINS,
  cifar100Plugin,
  cifar10Plugin,
  datasetSourceOptions,
  fashionMnistPlugin,
  sourceOptions,
} from './dataset-plugins.js';
export type { DatasetSourcePluginOptions } from './dataset-plugins.js';
export { LARGE_IMAGE_DATASET_PLUGINS, imageListPlugin, imageNetLtPlugin, iNaturalist2018Plugin } from './large-image-plugins.js';
export { buildFederatedData, PARTITION_SCHEMES } from './federated-data.js';
export type { BuiltFederatedData, FederatedDataOptions, PartitionScheme } from './federated-data.js';

export {
  loadFashionMnist,
  FASHION_MNIST_FILES,
  FASHION_MNIST_SYSTEM_DIR,
  FASHION_MNIST_URL,
  FASHION_MNIST_CLASS_NAMES,
} from './fashion-mnist.js';
export type { FashionMnistOptions } from './fashion-mnist.js';
export { loadCifar, CIFAR10, CIFAR100, CIFAR_URL } from './cifar.js';
export type { CifarOptions, CifarVariant } from './cifar.js';
export { CIFAR10_CLASS_NAMES, CIFAR100_CLASS_NAMES } from './cifar-class-names.js';
export type { DatasetSourceOptions } from './dataset-source.js';
export type { DatasetProvenance, DataFileRead } from './provenance.js';
export { CHECKSUM_FILE } from './checksum-file.js';
export { datasetCacheDir, CACHE_ENV_VAR } from './cache-dir.js';
export type { DownloadProgress, ProgressCallback } from './download.js';

export { InMemoryImageDataset } from './in-memory-image-dataset.js';
export type { InMemoryImageDatasetInit, RawImageSplit } from './in-memory-image-dataset.js';
export { CIFAR_AUGMENTATION } from './augmentation.js';
export type { AugmentationSpec } from './augmentation.js';
export { FASHION_MNIST_NORMALIZATION, IMAGENET_NORMALIZATION, CIFAR100_NORMALIZATION } from './normalization.js';
export type { Normalization } from './normalization.js';

export { longTailCounts, longTailSubset } from './long-tail.js';
export type { LongTailSubset } from './long-tail.js';
export { dirichletPartition } from './dirichlet-partition.js';
export type { DirichletPartitionOptions } from './dirichlet-partition.js';
export { iidPartition } from './iid-partition.js';
export { shardPartition } from './shard-partition.js';
export { pathologicalPartition, CLASS_ASSIGNMENTS } from './pathological-partition.js';
export type { ClassAssignment } from './pathological-partition.js';
export { localTestCounts, drawLocalTestSets } from './local-test-sets.js';
export { serializePartition, writePartitionFile, readPartitionFile, validatePartition } from './partition-file.js';

// The large image data sets (ImageNet-LT, iNaturalist 2018, any folder + list files), streamed from a decoded cache.
export { loadImageNetLt, IMAGENET_LT_LIST_FILES } from './imagenet-lt.js';
export type { ImageNetLtOptions } from './imagenet-lt.js';
export { loadINaturalist2018, INATURALIST_2018_FILES } from './inaturalist.js';
export type { INaturalistOptions } from './inaturalist.js';
export { loadImageFolderList } from './image-folder-list.js';
export type { ImageFolderListOptions } from './image-folder-list.js';
export { loadListedImageDataset, PreprocessInterrupted } from './image-list-dataset.js';
export type { ImageCacheOptions, ListedImageDataset, ListedSplit } from './image-list-dataset.js';
export { StreamedImageDataset } from './streamed-image-dataset.js';
export type { StreamedImageDatasetInit, StreamedImageSplit } from './streamed-image-dataset.js';
export { preprocessImages } from './preprocess-images.js';
export type {
  PreprocessOptions,
  PreprocessProgress,
  PreprocessProgressCallback,
  PreprocessResult,
  PreprocessSplit,
} from './preprocess-images.js';
export type { CacheSplit, FailedImage, ImageCacheManifest } from './image-cache.js';
export { parseImageList, readImageList } from './image-list-file.js';
export type { ImageListEntry } from './image-list-file.js';
export { parseCocoAnnotations } from './coco-annotations.js';
export { drawResizedCrop, centreCrop, IMAGENET_RESIZED_CROP } from './random-resized-crop.js';
export type { CropWindow, ResizedCropSpec } from './random-resized-crop.js';
