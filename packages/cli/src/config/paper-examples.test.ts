/**
 * packages/cli/examples/paper/: one config per row of the FedLoGe paper's CIFAR-LT settings
 * (docs/paper-table.md). Each must resolve, and hold the reference's settings as the spec's table
 * of its logs lists them (docs/data.md#reference-hyper-parameters, docs/fedloge.md#reference-results), written out
 * here independently of the files.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildPluginContainer } from '../runtime/plugin-container.js';
import { checkPluginChoices } from '../run/check-plugins.js';
import { parseConfigArgs } from './flags.js';
import { resolveConfig } from './resolve.js';

const dir = fileURLToPath(new URL('../../examples/paper/', import.meta.url));

// [dataset, model, N, fraction, clients per round, α, IF]
const ROWS: Record<string, [string, string, number, number, number, number, number]> = {
  'cifar10-lt-if002-a05': ['cifar10', 'resnet18', 40, 0.2, 8, 0.5, 0.02], // a
  'cifar10-lt-if001-a05': ['cifar10', 'resnet18', 40, 0.2, 8, 0.5, 0.01], // b
  'cifar10-lt-if002-a1': ['cifar10', 'resnet18', 40, 0.2, 8, 1, 0.02], // c
  'cifar10-lt-if001-a1': ['cifar10', 'resnet18', 40, 0.2, 8, 1, 0.01], // d
  'cifar100-lt-if002-a05': ['cifar100', 'resnet34', 20, 0.2, 4, 0.5, 0.02], // e
  'cifar100-lt-if001-a05': ['cifar100', 'resnet34', 20, 0.2, 4, 0.5, 0.01], // f
  'cifar100-lt-if002-a1': ['cifar100', 'resnet34', 20, 0.2, 4, 1, 0.02], // g
  'cifar100-lt-if001-a1': ['cifar100', 'resnet34', 20, 0.2, 4, 1, 0.01], // h
  'cifar100-lt-readme': ['cifar100', 'resnet34', 40, 0.3, 12, 0.5, 0.01], // sse_c.log, the README command
};

describe('packages/cli/examples/paper', () => {
  it('has exactly one config per row', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    expect(files.map((f) => f.replace(/\.yaml$/, '')).sort()).toEqual(Object.keys(ROWS).sort());
  });

  it.each(Object.entries(ROWS))('%s holds the reference settings', async (name, [dataset, model, N, fraction, m, alpha, IF]) => {
    const { config } = resolveConfig(parseConfigArgs(['--config', `${name}.yaml`], dir), dir);
    checkPluginChoices(await buildPluginContainer(config.plugins, dir), config);
    expect(config).toMatchObject({
      strategy: { name: 'fedloge' },
      dataset: { name: dataset, imbalanceFactor: IF, alpha, iid: false },
      clients: { total: N, fraction, perRound: m },
      rounds: 500,
      train: { localEpochs: 5, batchSize: 8, lr: 0.03, momentum: 0.5, weightDecay: 0 },
      model: { name: model },
      seed: 3407,
    });
  });
});
