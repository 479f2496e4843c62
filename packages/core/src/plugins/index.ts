export { TOKENS } from './tokens.js';
export {
  PluginError,
  createAggregator,
  createStrategy,
  getHeadPlugin,
  getModelPlugin,
  getPlugin,
  listPlugins,
  loadPluginModules,
  parsePluginOptions,
  registerPlugin,
} from './registry.js';
export type {
  AggregatorPlugin,
  BackboneArgs,
  Constructor,
  HeadArgs,
  HeadPlugin,
  ModelPlugin,
  Plugin,
  PluginKind,
  StrategyPlugin,
} from './types.js';
