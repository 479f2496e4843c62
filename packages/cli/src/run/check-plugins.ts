/**
 * Checks the plugin choices of a config against the registry before anything runs or is written:
 * every unknown name (with the registered ones listed), every invalid option, and aggregator
 * options that can never work with the configured clients per round, all at once.
 */
import type { DependencyContainer } from 'tsyringe';
import { getPlugin, listPlugins, parsePluginOptions, type AggregatorPlugin, type PluginKind } from '@fedloge/core';
import { ConfigError } from '../config/errors.js';
import type { RunConfig } from '../config/schema.js';
import { didYouMean } from '../config/suggest.js';

const CHOICES: readonly { readonly section: 'strategy' | 'aggregator' | 'model' | 'dataset'; readonly kind: PluginKind }[] = [
  { section: 'strategy', kind: 'strategy' },
  { section: 'aggregator', kind: 'aggregator' },
  { section: 'model', kind: 'model' },
  { section: 'dataset', kind: 'dataset' },
];

/** Throws a ConfigError listing every unknown plugin name and invalid plugin option. */
export function checkPluginChoices(container: DependencyContainer, config: RunConfig): void {
  const problems: string[] = [];
  for (const { section, kind } of CHOICES) {
    const { name, options } = config[section];
    try {
      const plugin = getPlugin(container, kind, name);
      const parsed = parsePluginOptions(plugin, options);
      const problem = kind === 'aggregator' ? (plugin as AggregatorPlugin).settingProblem?.(parsed, config.clients.perRound) : undefined;
      if (problem !== undefined) problems.push(`${section}: ${problem}`);
    } catch (e) {
      const message = (e as Error).message.replace(/\n\s*/g, '; ');
      // A misspelt name gets a suggestion on top of the registry's list of names.
      const registered = listPlugins(container, kind).map((p) => p.name);
      const hint = registered.includes(name) ? '' : didYouMean(name, registered);
      problems.push(`${section}: ${hint ? message.replace(`'${name}'.`, `'${name}'.${hint}`) : message}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems, 'Invalid plugin choice');
}
