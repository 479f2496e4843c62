import { describe, expect, it } from 'vitest';
import { UsageError } from '../config/errors.js';
import { scalar, takeSetFlags } from './sweep-flags.js';
import { sweepPoints, withValue } from './sweep-points.js';

describe('--set and the sweep points', () => {
  it('takes every --set out of the command line, values read as YAML scalars', () => {
    const { axes, rest } = takeSetFlags(['--rounds', '2', '--set', 'train.lr=0.01, 0.03', '--set=strategy.options.mode=a,true']);
    expect(rest).toEqual(['--rounds', '2']);
    expect(axes).toEqual([
      { key: 'train.lr', values: [0.01, 0.03] },
      { key: 'strategy.options.mode', values: ['a', true] },
    ]);
    expect([scalar('-1e-3'), scalar('1.'), scalar('0x10'), scalar('false')]).toEqual([-1e-3, 1, '0x10', false]);
  });

  it('refuses a --set without key or value, a repeated key and a repeated value', () => {
    const cases: [string[], RegExp][] = [
      [['--set'], /--set needs <key>=<values>/],
      [['--set', '=1'], /expected <key>=<v1>,<v2>/],
      [['--set', 'train.lr=0.1,,0.2'], /a value is empty/],
      [['--set', 'a=1', '--set', 'a=2'], /names 'a' twice/],
      [['--set', 'a=1,1'], /lists '1' twice/],
    ];
    for (const [argv, message] of cases) {
      expect(() => takeSetFlags(argv), argv.join(' ')).toThrow(UsageError);
      expect(() => takeSetFlags(argv), argv.join(' ')).toThrow(message);
    }
  });

  it('is the cartesian product, first axis slowest, labelled by the keys’ last parts', () => {
    const points = sweepPoints([
      { key: 'train.lr', values: [0.01, 0.03] },
      { key: 'strategy.options.etfNorm', values: [0.1, 1] },
    ]);
    expect(points.map((p) => p.label)).toEqual([
      'lr=0.01, etfNorm=0.1',
      'lr=0.01, etfNorm=1',
      'lr=0.03, etfNorm=0.1',
      'lr=0.03, etfNorm=1',
    ]);
    expect(points[3]!.folder).toBe('lr=0.03_etfNorm=1');
    expect(points[3]!.values).toEqual([
      ['train.lr', 0.03],
      ['strategy.options.etfNorm', 1],
    ]);
    // Two keys ending alike keep their whole names; a '/' cannot make a subfolder.
    const same = sweepPoints([
      { key: 'a.x', values: ['p/q'] },
      { key: 'b.x', values: [1] },
    ]);
    expect(same[0]!.label).toBe('a.x=p/q, b.x=1');
    expect(same[0]!.folder).toBe('a.x=p_q_b.x=1');
  });

  it('sets a dotted key without touching the rest of the layer', () => {
    const base = { train: { lr: 0.1, epochs: 2 }, rounds: 3 };
    expect(withValue(base, 'train.lr', 0.5)).toEqual({ train: { lr: 0.5, epochs: 2 }, rounds: 3 });
    expect(withValue(base, 'strategy.options.etfNorm', 1)).toEqual({ ...base, strategy: { options: { etfNorm: 1 } } });
    expect(base.train.lr).toBe(0.1);
  });
});
