// @fedloge/strategies: the built-in strategy plugins.
export { FedAvg, fedAvgOptions, fedAvgPlugin, selectKeys, BACKBONE_PREFIX, HEAD_PREFIX, GLOBAL_VARIANT } from './fedavg.js';
export type { BatchPosition, FedAvgOptions, LocalObjective, Network, StrategyInit } from './fedavg.js';
export { runLocalLoop } from './local-loop.js';
export type { LocalGroup, LocalLoopHooks, LocalLoopResult } from './local-loop.js';
export { loadOrDispose, loadedModule, overwrittenInit } from './loaded-module.js';
export { BUILTIN_STRATEGIES, registerBuiltinStrategies } from './register-builtins.js';
export type { BuiltinStrategy } from './register-builtins.js';
export { KERNEL_CHOICES, selectKernels } from './native-ops/index.js';
export type { EtfKernels, KernelChoice } from './native-ops/index.js';
export * from './fedloge/index.js';
export * from './baselines/index.js';
