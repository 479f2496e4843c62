// @fedloge/core: the plugin interfaces, the round loop, the tensor engine and the model zoo.
// Each area has its own barrel; this file only re-exports them.
import 'reflect-metadata';

export * from './data.js';
export * from './arrays.js';
export type { Aggregator, AggregationInput, ClientContribution } from './aggregator.js';
export type {
  Batch,
  ClientData,
  ClientResult,
  ClientTrainContext,
  ClientUpdate,
  GlobalPredictor,
  ModelBuilder,
  ModelExportContext,
  ModelExportInfo,
  PersonalContext,
  PersonalPredictor,
  ServerContext,
  Strategy,
  TrainConfig,
  OptimizerConfig,
} from './strategy.js';
export { consoleLogger, silentLogger } from './logger.js';
export type { Logger } from './logger.js';
export * from './plugins/index.js';
export * from './nn/index.js';
export * from './models/index.js';
export * from './engine/index.js';
export * from './train/index.js';
export * from './aggregators/index.js';
export * from './metrics/index.js';
export * from './simulation/index.js';
export * from './model-files/index.js';
export { registerCorePlugins } from './register-core.js';
