import { describe, expect, it } from 'vitest';
import { mergeLayers, originIn, type ConfigLayer } from './merge.js';
import { validateConfig } from './validate.js';

const layer = (values: Record<string, unknown>, name: string): ConfigLayer => ({ values, describe: () => name });

describe('mergeLayers (defaults < file < flags)', () => {
  it('lets the file override defaults and flags override the file, key by key', () => {
    const file = layer({ rounds: 50, train: { lr: 0.1, batchSize: 8 }, dataset: { alpha: 1 } }, 'file');
    const flags = layer({ rounds: 3, train: { lr: 0.01 } }, 'flags');
    const c = validateConfig(mergeLayers([file, flags]));
    expect(c.rounds).toBe(3); // flag beats file
    expect(c.train.lr).toBe(0.01); // flag beats file inside a section
    expect(c.train.batchSize).toBe(8); // file beats default, sibling key kept
    expect(c.train.momentum).toBe(0.5); // default kept
    expect(c.dataset.alpha).toBe(1);
  });

  it('accumulates plugins across layers', () => {
    const merged = mergeLayers([layer({ plugins: ['/a.js', '/b.js'] }, 'file'), layer({ plugins: ['/b.js', '/c.js'] }, 'flags')]);
    expect(merged['plugins']).toEqual(['/a.js', '/b.js', '/c.js']);
  });

  it('a higher layer that sizes rounds one way drops the other way from below', () => {
    const byFraction = mergeLayers([
      layer({ clients: { total: 40, perRound: 4 } }, 'file'),
      layer({ clients: { fraction: 0.5 } }, 'flags'),
    ]);
    expect(validateConfig(byFraction).clients).toEqual({ total: 40, perRound: 20, fraction: 0.5 });
    const byCount = mergeLayers([layer({ clients: { fraction: 0.5 } }, 'file'), layer({ clients: { perRound: 3 } }, 'flags')]);
    expect(validateConfig(byCount).clients).toEqual({ total: 20, perRound: 3 });
  });

  it('drops options meant for a plugin that a higher layer replaced', () => {
    const merged = mergeLayers([
      layer({ strategy: { name: 'fedloge', options: { sparsity: 0.8 } } }, 'file'),
      layer({ strategy: { name: 'fedavg' } }, 'flags'),
    ]);
    expect(merged['strategy']).toEqual({ name: 'fedavg', options: {} });
    const same = mergeLayers([
      layer({ strategy: { name: 'fedloge', options: { sparsity: 0.8 } } }, 'file'),
      layer({ strategy: { name: 'fedloge' } }, 'flags'),
    ]);
    expect(same['strategy']).toEqual({ name: 'fedloge', options: { sparsity: 0.8 } });
  });

  it('does not modify its inputs', () => {
    const values = { train: { lr: 1 } };
    mergeLayers([layer(values, 'a'), layer({ train: { lr: 2 } }, 'b')]);
    expect(values).toEqual({ train: { lr: 1 } });
  });

  it('names the highest layer that set a path as its origin', () => {
    const origin = originIn([layer({ rounds: 1, seed: 2 }, 'cfg.yaml'), layer({ rounds: 3 }, '--rounds')]);
    expect(origin(['rounds'])).toBe('--rounds');
    expect(origin(['seed'])).toBe('cfg.yaml');
    expect(origin(['train', 'lr'])).toBeUndefined();
  });
});
