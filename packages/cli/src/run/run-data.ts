/**
 * The data of a run: the loaded data set and its federated partition (long-tailed subset, client
 * split, local test sets), built once from the config's dataset section and seed. `compare`
 * builds it once and hands it to every strategy, so all of them train on the same partition.
 */
import { Rng, type ImageDataset } from '@fedloge/core';
import { buildFederatedData, loadDataset, type BuiltFederatedData, type DatasetProvenance, type ProgressCallback } from '@fedloge/datasets';
import type { RunConfig } from '../config/schema.js';
import { datasetLoadOptions } from './runtime-spec.js';

export interface RunData {
  readonly dataset: ImageDataset;
  readonly data: BuiltFederatedData;
  /** The files read and the integrity check they passed (absent for data built in memory, e.g. in tests). */
  readonly provenance?: DatasetProvenance | undefined;
}

/**
 * Load the data set and draw (or read, with `partition`) the client partition for `config`.
 * `onDownloadProgress` hears about the files downloaded into the cache, if any.
 */
export async function loadRunData(config: RunConfig, onDownloadProgress?: ProgressCallback): Promise<RunData> {
  const dataset = await loadDataset({ ...datasetLoadOptions(config.dataset), ...(onDownloadProgress !== undefined ? { onProgress: onDownloadProgress } : {}) });
  const data = buildFederatedData({
    dataset,
    numClients: config.clients.total,
    alpha: config.dataset.alpha,
    imbalanceFactor: config.dataset.imbalanceFactor,
    iid: config.dataset.iid,
    minClientSize: config.dataset.minClientSize,
    rng: new Rng(config.seed),
    ...(config.partition !== undefined ? { partitionFile: config.partition } : {}),
  });
  return { dataset, data, provenance: dataset.provenance };
}
