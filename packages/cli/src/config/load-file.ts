/**
 * Reading a config file (JSON, or YAML through the `yaml` package) into a layer. Relative paths
 * that name *inputs* (plugin modules, the data folder, a partition file) are resolved against the
 * file's own folder, so a config keeps working from wherever the command is run.
 */
import { readFileSync } from 'node:fs';
import { dirname, extname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from './errors.js';
import type { ConfigLayer } from './merge.js';

const YAML_EXTENSIONS = new Set(['.yaml', '.yml']);

/** Load `file` (resolved against `cwd`) as the config-file layer. */
export function loadConfigFile(file: string, cwd: string): ConfigLayer {
  const path = resolve(cwd, file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    throw new ConfigError([`--config ${file}: cannot read ${path} (${reason})`], 'Cannot load the config file');
  }
  const ext = extname(path).toLowerCase();
  let values: unknown;
  try {
    values = YAML_EXTENSIONS.has(ext) ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    const kind = YAML_EXTENSIONS.has(ext) ? 'YAML' : 'JSON';
    throw new ConfigError(
      [`${path}: not valid ${kind}: ${(e as Error).message.split('\n')[0]}` + (kind === 'JSON' ? ' (use a .yaml extension for YAML)' : '')],
      'Cannot load the config file',
    );
  }
  if (values === null || values === undefined) values = {};
  if (typeof values !== 'object' || Array.isArray(values)) {
    throw new ConfigError(
      [`${path}: the top level must be a mapping of settings (e.g. "rounds: 10"), not ${Array.isArray(values) ? 'a list' : typeof values}`],
      'Cannot load the config file',
    );
  }
  const label = file;
  return {
    values: resolveInputPaths(values as Record<string, unknown>, dirname(path)),
    describe: () => label,
  };
}

/** The `dataset` entries that name a folder or file. */
const DATASET_PATH_KEYS = ['dataDir', 'listDir', 'trainList', 'testList', 'imageCache'] as const;

/**
 * A copy of `values` with relative input paths made absolute against `baseDir`: every relative
 * entry of `plugins` ('./x.js', '../x.js'; bare package names are left to Node's resolution),
 * the folder and file entries of `dataset` (`dataDir`, and the list files and image cache of the large
 * image data sets), `partition` and `exportPartition`. Values of the wrong type are left for validation to report.
 */
export function resolveInputPaths(values: Readonly<Record<string, unknown>>, baseDir: string): Record<string, unknown> {
  const out: Record<string, unknown> = { ...values };
  const abs = (p: unknown) => (typeof p === 'string' && p !== '' && !isAbsolute(p) ? resolve(baseDir, p) : p);
  if (Array.isArray(out['plugins'])) {
    out['plugins'] = out['plugins'].map((p: unknown) => (typeof p === 'string' && p.startsWith('.') ? abs(p) : p));
  }
  if (typeof out['dataset'] === 'object' && out['dataset'] !== null) {
    const dataset = { ...(out['dataset'] as Record<string, unknown>) };
    for (const key of DATASET_PATH_KEYS) if (key in dataset) dataset[key] = abs(dataset[key]);
    out['dataset'] = dataset;
  }
  if ('partition' in out) out['partition'] = abs(out['partition']);
  if ('exportPartition' in out) out['exportPartition'] = abs(out['exportPartition']);
  if ('exportInitial' in out) out['exportInitial'] = abs(out['exportInitial']);
  return out;
}
