// The tensor-free part of core: seeded random streams and the data types loaders implement.
export { Rng } from './random.js';
export type { StreamKey } from './random.js';
export { classHistogram } from './dataset.js';
export type { FillBatchOptions, FederatedData, ImageDataset, ImageSplit, PartitionFile, SplitName } from './dataset.js';
