/** One strategy's config inside a comparison, and the up-front check of every listed strategy. */
import type { DependencyContainer } from 'tsyringe';
import { ConfigError } from '../config/errors.js';
import type { RunConfig } from '../config/schema.js';
import { checkPluginChoices } from '../run/check-plugins.js';

/**
 * `config` with the strategy set to `name` and the output folder to `outDir`. Strategy options
 * from the config file apply to the strategy they were written for; the others run with defaults.
 */
export function configForStrategy(config: RunConfig, name: string, outDir: string): RunConfig {
  const options = config.strategy.name === name ? config.strategy.options : {};
  return { ...config, strategy: { name, options }, out: outDir };
}

/**
 * Throws one ConfigError listing every unknown strategy (with the registered names) and every
 * invalid plugin option, before any data is loaded or any folder created.
 */
export function checkStrategies(container: DependencyContainer, config: RunConfig, names: readonly string[]): void {
  const problems = new Set<string>();
  for (const name of names) {
    try {
      checkPluginChoices(container, configForStrategy(config, name, '.'));
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      for (const p of e.problems) problems.add(p);
    }
  }
  if (problems.size > 0) throw new ConfigError([...problems], 'Cannot compare');
}

/**
 * Folder name of a strategy's run inside the comparison folder: the name itself when it is a
 * plain file name, otherwise with every other character replaced by `_`.
 */
export function strategyFolderName(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]/g, '_');
  return safe === '.' || safe === '..' ? `_${safe}` : safe;
}
