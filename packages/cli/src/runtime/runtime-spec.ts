/** Translations from the CLI's RunConfig to the plain-data inputs of datasets and core. */
import { resolveTrainSchedule, type ClientRuntimeSpec, type DatasetRef, type PartitionFile, type SimulationConfig } from '@fedloge/core';
import type { RunConfig } from '../config/schema.js';

/** The run's dataset plugin, its options and data folder; also sent to worker threads (which never download). */
export function datasetRef(dataset: RunConfig['dataset']): DatasetRef {
  return {
    name: dataset.name,
    // Configs of runs written before datasets took options have none. The large image data sets'
    // settings have their own config keys and flags (--list-dir, --image-resolution, …).
    options: { ...largeImageOptions(dataset), ...dataset.options },
    ...(dataset.dataDir !== undefined ? { dataDir: dataset.dataDir } : {}),
  };
}

/** The settings of the large image data sets that are set, in their plugins' option names. */
function largeImageOptions(dataset: RunConfig['dataset']): Record<string, unknown> {
  return {
    ...(dataset.listDir !== undefined ? { listDir: dataset.listDir } : {}),
    ...(dataset.trainList !== undefined ? { trainList: dataset.trainList } : {}),
    ...(dataset.testList !== undefined ? { testList: dataset.testList } : {}),
    ...(dataset.evalSplit !== undefined ? { evalSplit: dataset.evalSplit } : {}),
    ...(dataset.imageResolution !== undefined ? { resolution: dataset.imageResolution } : {}),
    ...(dataset.imageSize !== undefined ? { imageSize: dataset.imageSize } : {}),
    ...(dataset.imageCache !== undefined ? { imageCacheDir: dataset.imageCache } : {}),
  };
}

/** The round-loop settings. */
export function simulationConfig(config: RunConfig): SimulationConfig {
  return {
    rounds: config.rounds,
    clientsPerRound: config.clients.perRound,
    evalEvery: config.evalEvery,
    pmMasking: config.eval.pmMasking,
    evalBatchSize: config.eval.batchSize,
    warnUnpredictedAfter: config.eval.warnUnpredictedAfter,
    seed: config.seed,
    train: config.train,
  };
}

/**
 * Everything a worker thread needs to rebuild the client side of the run. Plugin paths in the
 * config are already absolute (resolved when the config was read), so the base folder is moot.
 * `threads`: the run's backend threads per training thread (runtime/threads.ts), for workers and network clients.
 */
export function clientRuntimeSpec(config: RunConfig, partition: PartitionFile, pluginBaseDir: string, threads?: number): ClientRuntimeSpec {
  return {
    strategy: config.strategy,
    aggregator: config.aggregator,
    model: { backbone: config.model },
    pluginModules: config.plugins,
    pluginBaseDir,
    dataset: datasetRef(config.dataset),
    partition,
    train: resolveTrainSchedule(config.train, config.rounds),
    seed: config.seed,
    augment: true,
    ...(threads !== undefined ? { threads } : {}),
  };
}
