import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { validateConfig } from './validate.js';

function problems(raw: unknown): readonly string[] {
  try {
    validateConfig(raw);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  throw new Error('expected validation to fail');
}

describe('validateConfig', () => {
  it('fills in the embedded default run', () => {
    const c = validateConfig({});
    expect(c.strategy).toEqual({ name: 'fedavg', options: {} });
    expect(c.dataset).toMatchObject({ name: 'fashion-mnist', imbalanceFactor: 0.01, alpha: 0.5 });
    expect(c.clients).toEqual({ total: 20, perRound: 5 });
    expect(c.train).toEqual({ localEpochs: 1, batchSize: 32, lr: 0.03, momentum: 0.5, weightDecay: 0 });
    expect(c.model.name).toBe('cnn');
    expect(c.rounds).toBe(10);
  });

  it('derives clients per round from a fraction as max(floor(fraction * N), 1)', () => {
    expect(validateConfig({ clients: { total: 40, fraction: 0.3 } }).clients.perRound).toBe(12);
    expect(validateConfig({ clients: { total: 3, fraction: 0.1 } }).clients.perRound).toBe(1);
  });

  // Each row must fail; the comment says why, `expected` is the exact problem line.
  const invalid: { raw: unknown; expected: string }[] = [
    // a round cannot sample more clients than the federation has
    {
      raw: { clients: { total: 20, perRound: 30 } },
      expected:
        'clients.perRound: Expected an integer in [1, 20] (the number of clients) but received 30; a round cannot sample more clients than exist',
    },
    // the two ways of sizing a round contradict each other when both are given
    {
      raw: { clients: { perRound: 4, fraction: 0.5 } },
      expected: 'clients.fraction: 0.5 set together with 4 clients per round; give only one of them',
    },
    // zero rounds trains nothing
    { raw: { rounds: 0 }, expected: 'rounds: received 0; expected a number >= 1.' },
    // rounds are counted, not measured
    { raw: { rounds: 2.5 }, expected: 'rounds: received 2.5; expected a whole number.' },
    // a YAML typo can turn a number into text
    { raw: { train: { lr: 'fast' } }, expected: 'train.lr: received "fast"; expected a number.' },
    // the imbalance factor is n_tail / n_head, at most 1
    { raw: { dataset: { imbalanceFactor: 2 } }, expected: 'dataset.imbalanceFactor: received 2; expected a number <= 1.' },
    // a Dirichlet concentration must be strictly positive
    { raw: { dataset: { alpha: 0 } }, expected: 'dataset.alpha: received 0; expected a number > 0.' },
    // PyTorch SGD diverges at momentum 1
    { raw: { train: { momentum: 1 } }, expected: 'train.momentum: received 1; expected a number < 1.' },
    // only the engines core can initialise
    {
      raw: { backend: 'wasn' },
      expected: 'backend: received "wasn"; expected one of "auto", "cuda", "tensorflow", "native", "wasm", "cpu" (Did you mean "wasm"?).',
    },
    // worker count is a number or the word auto
    { raw: { workers: 'many' }, expected: 'workers: received "many"; expected a whole number >= 0 or "auto".' },
    // a misspelt key would otherwise be silently ignored
    {
      raw: { train: { learningRate: 0.1 } },
      expected:
        'train.learningRate: unknown setting. Allowed in train: localEpochs, batchSize, lr, momentum, weightDecay, optimizer, lrSchedule.',
    },
    // misspelt top-level key gets a suggestion
    { raw: { roundz: 3 }, expected: "roundz: unknown setting. Did you mean 'rounds'? Allowed in the top level: " },
  ];
  it.each(invalid)('rejects $raw', ({ raw, expected }) => {
    const p = problems(raw);
    expect(p).toHaveLength(1);
    expect(p[0]).toContain(expected);
  });

  it('lists every problem at once', () => {
    const p = problems({ rounds: -1, train: { batchSize: 0 }, seed: 'x' });
    expect(p.map((line) => line.split(':')[0]).sort()).toEqual(['rounds', 'seed', 'train.batchSize']);
  });

  it('names where a bad value came from', () => {
    const err = (() => {
      try {
        validateConfig({ rounds: 0 }, (path) => (path.join('.') === 'rounds' ? '--rounds' : undefined));
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('expected failure');
    })();
    expect(err.problems[0]).toBe('rounds: received 0; expected a number >= 1. (set by --rounds)');
    expect(err.message).toMatch(/^Invalid configuration:\n {2}- rounds:/);
  });
});
