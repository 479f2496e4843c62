/**
 * The data of a run: the loaded data set and its federated partition (long-tailed subset, client
 * split, local test sets), built once from the config's dataset section and seed. `compare`
 * builds it once and hands it to every strategy, so all of them train on the same partition.
 */
import type { DependencyContainer } from 'tsyringe';
import { Rng, loadDatasetPlugin, type DatasetContext, type DatasetProvenance, type ImageDataset, type Logger } from '@fedloge/core';
import { buildFederatedData, type BuiltFederatedData } from '@fedloge/datasets';
import type { RunConfig } from '../config/schema.js';
import { datasetRef } from './runtime-spec.js';

export interface RunData {
  readonly dataset: ImageDataset;
  readonly data: BuiltFederatedData;
  /** The files read and the integrity check they passed (absent for data built in memory, e.g. in tests). */
  readonly provenance?: DatasetProvenance | undefined;
}

/** Hooks of loading: download progress and the one-time preparation pass (the decoded cache of imagenet-lt, inat2018, image-list). */
export type LoadHooks = Pick<DatasetContext, 'onProgress' | 'onPreparationProgress' | 'onItemFailed' | 'signal'>;

/** Load the data set through its plugin and draw (or read, with `partition`) the client partition for `config`. */
export async function loadRunData(
  config: RunConfig,
  container: DependencyContainer,
  logger: Logger,
  hooks: LoadHooks = {},
): Promise<RunData> {
  const dataset = await loadDatasetPlugin(container, datasetRef(config.dataset), { download: config.dataset.download, logger, ...hooks });
  const data = buildFederatedData({
    dataset,
    numClients: config.clients.total,
    alpha: config.dataset.alpha,
    imbalanceFactor: config.dataset.imbalanceFactor,
    iid: config.dataset.iid,
    ...(config.dataset.partition !== undefined ? { scheme: config.dataset.partition } : {}),
    shardsPerClient: config.dataset.shardsPerClient,
    classesPerClient: config.dataset.classesPerClient,
    classAssignment: config.dataset.classAssignment,
    minClientSize: config.dataset.minClientSize,
    rng: new Rng(config.seed),
    ...(config.partition !== undefined ? { partitionFile: config.partition } : {}),
  });
  return { dataset, data, provenance: dataset.provenance };
}
