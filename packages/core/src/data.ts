// The tensor-free part of core: seeded random streams and the data types loaders implement.
export { Rng } from './random.js';
export type { StreamKey } from './random.js';
export { classHistogram } from './dataset.js';
export type {
  DataFileRead,
  DatasetProvenance,
  FillBatchOptions,
  FederatedData,
  ImageDataset,
  ImageSplit,
  PartitionFile,
  SplitName,
} from './dataset.js';
// Type-only, so loaders can describe themselves as plugins without loading the tensor library.
export type {
  DatasetContext,
  DatasetDownloadProgress,
  DatasetItemFailure,
  DatasetPlugin,
  DatasetPreparationProgress,
} from './plugins/types.js';
