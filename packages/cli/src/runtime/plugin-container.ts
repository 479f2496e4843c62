/**
 * The DI container of a run: core's models, heads and aggregators, the built-in strategies and
 * datasets, then the user's plugin modules (and, for the library API, plugin objects given in
 * memory). Built the same way on the main thread and in every worker thread, so a strategy or
 * dataset name resolves to the same plugin everywhere.
 */
import 'reflect-metadata';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import { loadPluginModules, registerCorePlugins, registerPlugin, type Plugin } from '@fedloge/core';
import { BUILTIN_DATASET_PLUGINS } from '@fedloge/datasets';
import { registerBuiltinStrategies } from '@fedloge/strategies';

/** A fresh child of the global container with every plugin of the run registered; `extra` last (they win on a name clash). */
export async function buildPluginContainer(
  pluginModules: readonly string[],
  baseDir: string,
  extra: readonly Plugin[] = [],
): Promise<DependencyContainer> {
  const container = rootContainer.createChildContainer();
  registerCorePlugins(container);
  registerBuiltinStrategies(container);
  for (const plugin of BUILTIN_DATASET_PLUGINS) registerPlugin(container, plugin);
  await loadPluginModules(container, pluginModules, baseDir);
  for (const plugin of extra) registerPlugin(container, plugin);
  return container;
}
