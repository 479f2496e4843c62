/**
 * The Flower config keys table: what each key sets, which source wins, what is ignored, which
 * values are refused (table-driven; one comment per row saying why it must fail), and that
 * docs/flower-config-keys.md is the page the table writes.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FLOWER_CONFIG_KEYS, FlowerConfigError, flowerConfigKeysMarkdown, trainOverrides } from './flower-config-keys.js';

const DOC = fileURLToPath(new URL('../../../../docs/flower-config-keys.md', import.meta.url));

describe('trainOverrides', () => {
  it('maps every key of the table onto our option', () => {
    const message = { lr: 0.05, 'local-epochs': 3, 'batch-size': 8, momentum: 0.9, 'weight-decay': 5e-4, 'proximal-mu': 0.1 };
    expect(trainOverrides(message, {}, 'fedprox')).toEqual({
      overrides: { train: { lr: 0.05, localEpochs: 3, batchSize: 8, momentum: 0.9, weightDecay: 5e-4 }, strategyOptions: { mu: 0.1 } },
      unknown: [],
    });
  });

  it('takes the message config over the run config, and leaves unset options to the local --config', () => {
    const got = trainOverrides({ lr: 0.1, 'server-round': 2 }, { lr: 0.9, 'local-epochs': 2, 'num-server-rounds': 5 }, 'fedavg');
    expect(got.overrides).toEqual({ train: { lr: 0.1, localEpochs: 2 } });
    expect(trainOverrides({ 'server-round': 1, 'partition-id': 0, 'fedloge.run': 'r' }, {}, 'fedavg').overrides).toBeUndefined();
  });

  it("lists the keys it ignores, once each, message first; Flower's and our message keys are not among them", () => {
    const got = trainOverrides(
      { 'server-round': 1, 'partition-id': 3, 'fedloge.return-state': true, optimizer: 'adam' },
      { 'num-server-rounds': 3, 'fraction-train': 0.5, optimizer: 'sgd' },
      'fedavg',
    );
    expect(got.unknown).toEqual(['optimizer', 'num-server-rounds', 'fraction-train']);
  });

  const refused: [string, Record<string, string | number | boolean>, Record<string, string | number | boolean>, string, RegExp][] = [
    // Not a number at all: named with its value and type, and where it came from.
    [
      'lr "abc"',
      { lr: 'abc' },
      {},
      'fedavg',
      /'lr' in the message's "config" record is "abc" \(string\); expected number > 0 for train\.lr/,
    ],
    // A learning rate must be positive.
    ['lr 0 from the run config', {}, { lr: 0 }, 'fedavg', /'lr' in the run config is 0 \(number\); expected number > 0 for train\.lr/],
    // Epochs are whole.
    ['local-epochs 1.5', { 'local-epochs': 1.5 }, {}, 'fedavg', /'local-epochs' .* is 1\.5 \(number\); expected integer >= 1/],
    // A batch needs at least one image.
    ['batch-size 0', {}, { 'batch-size': 0 }, 'fedavg', /'batch-size' in the run config is 0/],
    // Momentum 1 never forgets a gradient (PyTorch accepts it; our schema does not).
    ['momentum 1', { momentum: 1 }, {}, 'fedavg', /'momentum' .* is 1 \(number\); expected number in \[0, 1\)/],
    // A boolean is no weight decay.
    ['weight-decay true', { 'weight-decay': true }, {}, 'fedavg', /'weight-decay' .* is true \(boolean\)/],
    // FedAvg has no proximal term to set.
    [
      'proximal-mu on fedavg',
      { 'proximal-mu': 0.01 },
      {},
      'fedavg',
      /strategy 'fedavg' has no such option \(it has no proximal term; only fedprox has it\)/,
    ],
    // Nor FedLoGe, even when the value comes from the run config.
    ['proximal-mu on fedloge', {}, { 'proximal-mu': 0.01 }, 'fedloge', /'proximal-mu' = 0\.01 in the run config .* strategy 'fedloge'/],
    // A bad value in the message is refused even when the run config holds a good one.
    ['bad message value over a good run value', { lr: 'fast' }, { lr: 0.1 }, 'fedavg', /'lr' in the message's "config" record is "fast"/],
  ];
  it.each(refused)('refuses %s', (_name, message, run, strategy, error) => {
    expect(() => trainOverrides(message, run, strategy)).toThrow(FlowerConfigError);
    expect(() => trainOverrides(message, run, strategy)).toThrow(error);
  });

  it('has one entry per Flower key', () => {
    const keys = FLOWER_CONFIG_KEYS.map((e) => e.key);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('docs/flower-config-keys.md', () => {
  it('is the page FLOWER_CONFIG_KEYS writes', () => {
    const page = flowerConfigKeysMarkdown();
    if (process.env['FLOWER_KEYS_DOC_WRITE'] === '1') writeFileSync(DOC, page);
    expect(existsSync(DOC), `${DOC} is missing; write it with FLOWER_KEYS_DOC_WRITE=1`).toBe(true);
    expect(readFileSync(DOC, 'utf8'), 'docs/flower-config-keys.md is stale; rewrite it with FLOWER_KEYS_DOC_WRITE=1').toBe(page);
    for (const entry of FLOWER_CONFIG_KEYS) expect(page).toContain(`| \`${entry.key}\` | \`${entry.option}\` |`);
  });
});
