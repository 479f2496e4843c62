/**
 * From a parsed command line to the one validated RunConfig: defaults < `--config` file < flags.
 */
import { resolve } from 'node:path';
import { loadConfigFile } from './load-file.js';
import { ConfigError } from './errors.js';
import { mergeLayers, originIn, type ConfigLayer } from './merge.js';
import { partitionConflicts } from './partition-conflicts.js';
import type { ParsedConfigArgs } from './flags.js';
import type { RunConfig } from './schema.js';
import { validateConfig } from './validate.js';

/** The resolved config and the file it was read from, if any (absolute path). */
export interface ResolvedConfig {
  readonly config: RunConfig;
  readonly configFile: string | undefined;
}

/**
 * Merge the config file (if `--config` was given) under the flags and validate. `base` layers lie
 * under both (a resumed run's own config). Throws ConfigError.
 */
export function resolveConfig(args: ParsedConfigArgs, cwd: string, base: readonly ConfigLayer[] = []): ResolvedConfig {
  const layers: ConfigLayer[] = [...base];
  if (args.configFile !== undefined) layers.push(loadConfigFile(args.configFile, cwd));
  layers.push(args.layer);
  const merged = mergeLayers(layers);
  const conflicts = partitionConflicts(args.layer.values, merged);
  if (conflicts.length > 0) throw new ConfigError(conflicts);
  const config = validateConfig(merged, originIn(layers));
  return { config, configFile: args.configFile === undefined ? undefined : resolve(cwd, args.configFile) };
}
