import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BACKEND_CHOICES } from '@fedloge/core';
import { ConfigError } from './errors.js';
import { parseConfigArgs } from './flags.js';
import { serializeConfigSchema } from './json-schema.js';
import { loadConfigFile } from './load-file.js';
import { resolveConfig } from './resolve.js';
import { BACKEND_NAMES } from './schema.js';

const dir = mkdtempSync(join(tmpdir(), 'fedloge-config-'));
const write = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return name;
};

describe('loadConfigFile', () => {
  it('reads YAML and resolves input paths against the file folder', () => {
    write('run.yaml', 'rounds: 4\nplugins: [./my-strategy.js, pkg-plugin]\ndataset:\n  dataDir: ../data\npartition: part.json\n');
    const layer = loadConfigFile('run.yaml', dir);
    expect(layer.values).toEqual({
      rounds: 4,
      plugins: [join(dir, 'my-strategy.js'), 'pkg-plugin'],
      dataset: { dataDir: join(dir, '..', 'data') },
      partition: join(dir, 'part.json'),
    });
    expect(layer.describe(['rounds'])).toBe('run.yaml');
  });

  it('reads JSON', () => {
    write('run.json', '{ "strategy": { "name": "fedloge" } }');
    expect(loadConfigFile('run.json', dir).values).toEqual({ strategy: { name: 'fedloge' } });
  });

  // Each row must fail; the comment says why.
  const invalid: { file: string; text?: string; message: RegExp }[] = [
    // the path does not exist
    { file: 'missing.yaml', message: /--config missing\.yaml: cannot read .*missing\.yaml \(no such file\)/ },
    // broken YAML syntax
    { file: 'bad.yaml', text: 'rounds: [1, 2\n', message: /bad\.yaml: not valid YAML/ },
    // YAML content in a .json file
    { file: 'yaml.json', text: 'rounds: 3\n', message: /not valid JSON.*use a \.yaml extension/ },
    // a list is not a mapping of settings
    { file: 'list.yaml', text: '- rounds\n- 3\n', message: /top level must be a mapping.*not a list/ },
  ];
  it.each(invalid)('rejects $file', ({ file, text, message }) => {
    if (text !== undefined) write(file, text);
    expect(() => loadConfigFile(file, dir)).toThrow(ConfigError);
    expect(() => loadConfigFile(file, dir)).toThrow(message);
  });
});

describe('resolveConfig', () => {
  it('applies defaults < file < flags and names the file in errors', () => {
    write('prec.yaml', 'rounds: 7\ntrain:\n  lr: 0.2\n  batchSize: 16\n');
    const args = parseConfigArgs(['--config', 'prec.yaml', '--lr', '0.05'], dir);
    const { config } = resolveConfig(args, dir);
    expect([config.rounds, config.train.lr, config.train.batchSize, config.train.momentum]).toEqual([7, 0.05, 16, 0.5]);

    write('bad-values.yaml', 'rounds: 0\nclients:\n  total: 4\n');
    const bad = parseConfigArgs(['--config', 'bad-values.yaml', '--clients-per-round', '9'], dir);
    expect(() => resolveConfig(bad, dir)).toThrow(/rounds: received 0; expected a number >= 1\. \(set by bad-values\.yaml\)/);
    expect(() => resolveConfig(bad, dir)).toThrow(/clients\.perRound: .*\[1, 4\].*received 9.*\(set by --clients-per-round\)/);
  });
});

describe('config.schema.json', () => {
  it('is up to date with the zod schema (regenerate: npm run config-schema -w @fedloge/cli)', () => {
    const committed = readFileSync(fileURLToPath(new URL('../../config.schema.json', import.meta.url)), 'utf8');
    expect(committed).toBe(serializeConfigSchema());
  });

  it("offers exactly core's backend choices", () => {
    expect([...BACKEND_NAMES]).toEqual([...BACKEND_CHOICES]);
  });
});
