/** Translations from the CLI's RunConfig to the plain-data inputs of datasets and core. */
import type { ClientRuntimeSpec, PartitionFile, SimulationConfig } from '@fedloge/core';
import type { LargeImageDatasetOptions, LoadDatasetOptions } from '@fedloge/datasets';
import type { RunConfig } from '../config/schema.js';

/** How to load the run's data set; also sent to worker threads, which never download. */
export function datasetLoadOptions(dataset: RunConfig['dataset'], allowDownload = dataset.download): LoadDatasetOptions {
  return {
    name: dataset.name,
    ...(dataset.dataDir !== undefined ? { dataDir: dataset.dataDir } : {}),
    download: allowDownload,
    ...(largeImageOptions(dataset) !== undefined ? { images: largeImageOptions(dataset) } : {}),
  };
}

/** The settings of the large image data sets, when any is set (plain data: it also goes to worker threads). */
function largeImageOptions(dataset: RunConfig['dataset']): LargeImageDatasetOptions | undefined {
  const images: LargeImageDatasetOptions = {
    ...(dataset.listDir !== undefined ? { listDir: dataset.listDir } : {}),
    ...(dataset.trainList !== undefined ? { trainList: dataset.trainList } : {}),
    ...(dataset.testList !== undefined ? { testList: dataset.testList } : {}),
    ...(dataset.evalSplit !== undefined ? { evalSplit: dataset.evalSplit } : {}),
    ...(dataset.imageResolution !== undefined ? { resolution: dataset.imageResolution } : {}),
    ...(dataset.imageSize !== undefined ? { imageSize: dataset.imageSize } : {}),
    ...(dataset.imageCache !== undefined ? { imageCacheDir: dataset.imageCache } : {}),
  };
  return Object.keys(images).length > 0 ? images : undefined;
}

/** The round-loop settings. */
export function simulationConfig(config: RunConfig): SimulationConfig {
  return {
    rounds: config.rounds,
    clientsPerRound: config.clients.perRound,
    evalEvery: config.evalEvery,
    pmMasking: config.eval.pmMasking,
    evalBatchSize: config.eval.batchSize,
    seed: config.seed,
    train: config.train,
  };
}

/**
 * Everything a worker thread needs to rebuild the client side of the run. Plugin paths in the
 * config are already absolute (resolved when the config was read), so the base folder is moot.
 */
export function clientRuntimeSpec(config: RunConfig, partition: PartitionFile, pluginBaseDir: string): ClientRuntimeSpec {
  return {
    strategy: config.strategy,
    aggregator: config.aggregator,
    model: { backbone: config.model },
    pluginModules: config.plugins,
    pluginBaseDir,
    dataset: { ...datasetLoadOptions(config.dataset, false) },
    partition,
    train: config.train,
    seed: config.seed,
    augment: true,
  };
}
