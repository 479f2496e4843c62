/**
 * DI tokens. Every constructor parameter of a plugin class uses an explicit `@inject(TOKEN)`, so
 * resolution never depends on emitted decorator metadata (works under any transpiler).
 */
export const TOKENS = {
  /** Multi-registration: every StrategyPlugin / AggregatorPlugin / ModelPlugin / HeadPlugin. */
  StrategyPlugin: Symbol.for('fedloge.StrategyPlugin'),
  AggregatorPlugin: Symbol.for('fedloge.AggregatorPlugin'),
  ModelPlugin: Symbol.for('fedloge.ModelPlugin'),
  HeadPlugin: Symbol.for('fedloge.HeadPlugin'),
  /** The aggregator instance configured for this run (injected into strategies). */
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
