/**
 * The built-in strategies, readable in one screen (tfjs's register_all_kernels style). The name
 * union derives from the map, so config types and `--help` stay in step with what is registered.
 */
import type { DependencyContainer } from 'tsyringe';
import { registerPlugin, type StrategyPlugin } from '@fedloge/core';
import { fedAvgPlugin } from './fedavg.js';
import { fedLoGePlugin } from './fedloge/fedloge.js';
import { BASELINE_STRATEGIES } from './baselines/index.js';

export const BUILTIN_STRATEGIES = {
  fedavg: fedAvgPlugin,
  fedloge: fedLoGePlugin,
  ...BASELINE_STRATEGIES,
} as const satisfies Record<string, StrategyPlugin>;

export type BuiltinStrategy = keyof typeof BUILTIN_STRATEGIES;

/** Register every built-in strategy plugin in `container`. */
export function registerBuiltinStrategies(container: DependencyContainer): void {
  for (const plugin of Object.values(BUILTIN_STRATEGIES)) registerPlugin(container, plugin);
}
