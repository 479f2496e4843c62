/**
 * A `sweep:` section in the config file: dotted config keys and the values to try, e.g.
 *
 *   sweep:
 *     train.lr: [0.01, 0.03]
 *     strategy.options.etfNorm: [0.1, 1.0]
 *
 * The section is taken out of the file's layer (the rest is the base config of every point, as
 * `--config` always is); `--set` for a key the file lists replaces the file's values.
 */
import { ConfigError } from '../config/errors.js';
import { loadConfigFile } from '../config/load-file.js';
import type { ConfigLayer } from '../config/merge.js';
import { SET_FLAG, type SweepAxis } from './sweep-flags.js';

export const SWEEP_SECTION = 'sweep';

/** The config file's layer without its `sweep:` section, and that section's axes. */
export function loadSweepFile(file: string, cwd: string): { layer: ConfigLayer; axes: SweepAxis[] } {
  const loaded = loadConfigFile(file, cwd);
  const { [SWEEP_SECTION]: section, ...values } = loaded.values;
  if (section === undefined) return { layer: loaded, axes: [] };
  const where = `${file}: ${SWEEP_SECTION}`;
  if (section === null || typeof section !== 'object' || Array.isArray(section)) {
    throw new ConfigError([`${where} must map config keys to lists of values, e.g. "train.lr: [0.01, 0.03]"`], 'Cannot sweep');
  }
  const problems: string[] = [];
  const axes: SweepAxis[] = [];
  for (const [key, list] of Object.entries(section as Record<string, unknown>)) {
    const items = Array.isArray(list) ? list : [list];
    const bad = items.find((v) => v === null || typeof v === 'object');
    if (items.length === 0) problems.push(`${where}.${key} lists no values`);
    else if (bad !== undefined) problems.push(`${where}.${key}: ${JSON.stringify(bad)} is not a number, true/false or text`);
    else if (new Set(items).size !== items.length) problems.push(`${where}.${key} lists a value twice; each value runs once`);
    else axes.push({ key, values: items });
  }
  if (problems.length > 0) throw new ConfigError(problems, 'Cannot sweep');
  return { layer: { ...loaded, values }, axes };
}

/** The file's axes with `--set` ones replacing those of the same key, then the new ones. */
export function mergeAxes(fromFile: readonly SweepAxis[], fromFlags: readonly SweepAxis[]): SweepAxis[] {
  const flags = new Map(fromFlags.map((a) => [a.key, a]));
  return [...fromFile.map((a) => flags.get(a.key) ?? a), ...fromFlags.filter((a) => !fromFile.some((f) => f.key === a.key))];
}

export const SWEEP_FILE_HINT = `a '${SWEEP_SECTION}:' section in the --config file or --${SET_FLAG} <key>=<v1>,<v2>`;
