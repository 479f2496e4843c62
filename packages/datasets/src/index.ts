// @fedloge/datasets: image data sets from their official files, long-tailed subsets, federated partitions.
export { loadDataset, DATASET_NAMES, DATASET_LOADERS } from './loadDataset.js';
export type { DatasetName, InMemoryDatasetName, LargeImageDatasetOptions, LoadDatasetOptions, LoadedDataset } from './loadDataset.js';
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
