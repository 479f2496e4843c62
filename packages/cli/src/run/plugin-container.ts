/**
 * The DI container of a run: core's models, heads and aggregators, the built-in strategies, then
 * the user's plugin modules. Built the same way on the main thread and in every worker thread, so
 * a strategy name resolves to the same class everywhere.
 */
import 'reflect-metadata';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import { loadPluginModules, registerCorePlugins } from '@fedloge/core';
import { registerBuiltinStrategies } from '@fedloge/strategies';

/** A fresh child of the global container with every plugin of the run registered. */
export async function buildPluginContainer(pluginModules: readonly string[], baseDir: string): Promise<DependencyContainer> {
  const container = rootContainer.createChildContainer();
  registerCorePlugins(container);
  registerBuiltinStrategies(container);
  await loadPluginModules(container, pluginModules, baseDir);
  return container;
}
