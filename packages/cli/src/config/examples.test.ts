import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildPluginContainer } from '../runtime/plugin-container.js';
import { checkPluginChoices } from '../run/check-plugins.js';
import { parseConfigArgs } from './flags.js';
import { resolveConfig } from './resolve.js';

const examplesDir = fileURLToPath(new URL('../../examples/', import.meta.url));
const examples = readdirSync(examplesDir).filter((f) => /\.(ya?ml|json)$/.test(f));

describe('packages/cli/examples', () => {
  it('has the fedavg and fedloge examples', () => {
    expect(examples).toEqual(expect.arrayContaining(['fedavg.yaml', 'fedloge.yaml']));
  });

  it.each(examples)('%s is a valid config whose plugins and plugin options are accepted', async (file) => {
    const { config } = resolveConfig(parseConfigArgs(['--config', file], examplesDir), examplesDir);
    expect(config.strategy.name).toBe(file.replace(/\.\w+$/, ''));
    checkPluginChoices(await buildPluginContainer(config.plugins, examplesDir), config);
  });

  it('fedavg.yaml spells out exactly the embedded default run', () => {
    const fromFile = resolveConfig(parseConfigArgs(['--config', 'fedavg.yaml'], examplesDir), examplesDir).config;
    const defaults = resolveConfig(parseConfigArgs([], examplesDir), examplesDir).config;
    expect(fromFile).toEqual(defaults);
  });
});
