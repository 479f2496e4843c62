export { TOKENS } from './tokens.js';
export {
  PluginError,
  createAggregator,
  createStrategy,
  getHeadPlugin,
  getModelPlugin,
  getPlugin,
  listPlugins,
  loadDatasetPlugin,
  loadPluginModules,
  parsePluginOptions,
  registerPlugin,
} from './registry.js';
export type { DatasetRef } from './registry.js';
export type {
  AggregatorContext,
  AggregatorPlugin,
  BackboneArgs,
  DatasetContext,
  DatasetDownloadProgress,
  DatasetItemFailure,
  DatasetPreparationProgress,
  DatasetPlugin,
  HeadArgs,
  HeadPlugin,
  ModelPlugin,
  Plugin,
  PluginContext,
  PluginKind,
  StrategyContext,
  StrategyPlugin,
} from './types.js';
