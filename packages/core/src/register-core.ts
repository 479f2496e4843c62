/**
 * Registers everything core ships as plugins: the model zoo (`cnn`, `resnet8`, …), the heads
 * (`linear`) and the aggregators (`fedavg`, `fedadam`, `median`, …). Hosts call this once on their
 * container, then register strategies (`registerBuiltinStrategies`) and user plugin modules.
 */
import type { DependencyContainer } from 'tsyringe';
import { CORE_AGGREGATOR_PLUGINS } from './aggregators/index.js';
import { CORE_HEAD_PLUGINS, CORE_MODEL_PLUGINS } from './models/index.js';
import { registerPlugin } from './plugins/registry.js';

export function registerCorePlugins(container: DependencyContainer): void {
  for (const plugin of [...CORE_MODEL_PLUGINS, ...CORE_HEAD_PLUGINS, ...CORE_AGGREGATOR_PLUGINS]) registerPlugin(container, plugin);
}
