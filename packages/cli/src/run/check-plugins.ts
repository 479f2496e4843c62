/**
 * Checks the plugin choices of a config against the registry before anything runs or is written:
 * every unknown name (with the registered ones listed), every invalid option, and aggregator
 * options that can never work with the configured clients per round, all at once.
 */
import type { DependencyContainer } from 'tsyringe';
import { getPlugin, parsePluginOptions, type AggregatorPlugin, type PluginKind } from '@fedloge/core';
import { ConfigError } from '../config/errors.js';
import type { RunConfig } from '../config/schema.js';

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
      problems.push(`${section}: ${(e as Error).message.replace(/\n\s*/g, '; ')}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems, 'Invalid plugin choice');
}
