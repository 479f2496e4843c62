/**
 * DI tokens. Plugins are registered as values under one multi-token per kind; a strategy or
 * aggregator is built by a factory registration (`useFactory`) that calls the plugin's `create`
 * with a context resolved from these tokens, so plugin classes need no decorators.
 */
export const TOKENS = {
  /** Multi-registration: every StrategyPlugin / AggregatorPlugin / ModelPlugin / HeadPlugin / DatasetPlugin. */
  StrategyPlugin: Symbol.for('fedloge.StrategyPlugin'),
  AggregatorPlugin: Symbol.for('fedloge.AggregatorPlugin'),
  ModelPlugin: Symbol.for('fedloge.ModelPlugin'),
  HeadPlugin: Symbol.for('fedloge.HeadPlugin'),
  DatasetPlugin: Symbol.for('fedloge.DatasetPlugin'),
  /** The strategy being built (a factory over its plugin's `create`). */
  Strategy: Symbol.for('fedloge.Strategy'),
  /** The aggregator configured for this run (given to strategies; a factory while it is being built). */
  Aggregator: Symbol.for('fedloge.Aggregator'),
  /** Parsed options of the strategy being built. */
  StrategyOptions: Symbol.for('fedloge.StrategyOptions'),
  /** Parsed options of the aggregator being built. */
  AggregatorOptions: Symbol.for('fedloge.AggregatorOptions'),
  /** The run's Logger. */
  Logger: Symbol.for('fedloge.Logger'),
  /** Host-provided services a strategy may ask for (e.g. native kernels); optional. */
  Kernels: Symbol.for('fedloge.Kernels'),
} as const;
