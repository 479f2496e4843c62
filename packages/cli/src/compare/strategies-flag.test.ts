import { describe, expect, it } from 'vitest';
import { UsageError } from '../config/errors.js';
import { takeStrategiesFlag } from './strategies-flag.js';

describe('takeStrategiesFlag', () => {
  it('takes the list out of the arguments and keeps every other argument in order', () => {
    expect(takeStrategiesFlag(['--rounds', '3', '--strategies', 'fedavg, fedprox', '--seed', '1'])).toEqual({
      strategies: ['fedavg', 'fedprox'],
      rest: ['--rounds', '3', '--seed', '1'],
    });
  });

  it('accepts --strategies=<list> and repeated flags, concatenated in order', () => {
    expect(takeStrategiesFlag(['--strategies=fedrod', '--strategies', 'fedloge,fedavg']).strategies).toEqual([
      'fedrod',
      'fedloge',
      'fedavg',
    ]);
  });

  it('reports an absent flag as undefined (the command decides what that means)', () => {
    expect(takeStrategiesFlag(['--rounds', '3'])).toEqual({ strategies: undefined, rest: ['--rounds', '3'] });
  });

  // Each row must be refused: the message says what is wrong.
  it.each([
    { argv: ['--strategies'], message: /needs a comma-separated list/, why: 'no value at the end' },
    { argv: ['--strategies', '--rounds', '3'], message: /needs a comma-separated list/, why: 'a flag where the value should be' },
    { argv: ['--strategies', 'fedavg,,fedprox'], message: /contains an empty name/, why: 'double comma' },
    { argv: ['--strategies=fedavg,'], message: /contains an empty name/, why: 'trailing comma' },
    {
      argv: ['--strategies', 'fedavg,fedprox', '--strategies', 'fedavg'],
      message: /lists 'fedavg' more than once/,
      why: 'the same folder twice',
    },
  ])('refuses $argv ($why)', ({ argv, message }) => {
    expect(() => takeStrategiesFlag(argv)).toThrow(UsageError);
    expect(() => takeStrategiesFlag(argv)).toThrow(message);
  });
});
