import { describe, expect, it } from 'vitest';
import { UsageError } from '../config/errors.js';
import { takeCompareFlags } from './compare-flags.js';

describe('takeCompareFlags', () => {
  it('takes --seeds and --variants out of the command line, in either spelling', () => {
    expect(takeCompareFlags(['--rounds', '3', '--seeds', '3407,1, 2', '--variants=headline'])).toEqual({
      seeds: [3407, 1, 2],
      variants: false,
      rest: ['--rounds', '3'],
    });
    expect(takeCompareFlags(['--seeds=5'])).toEqual({ seeds: [5], variants: true, rest: [] });
    expect(takeCompareFlags([])).toEqual({ seeds: undefined, variants: true, rest: [] });
  });

  it('reads per-strategy variant choices beside all|headline', () => {
    expect(takeCompareFlags(['--variants', 'headline, fedloge=ga-fr,fedloge=la-fr,fedrod=generic+personal'])).toEqual({
      seeds: undefined,
      variants: false,
      chosen: { fedloge: ['ga-fr', 'la-fr'], fedrod: ['generic+personal'] },
      rest: [],
    });
    expect(takeCompareFlags(['--variants=fedavg=gm/global'])).toEqual({
      seeds: undefined,
      variants: true,
      chosen: { fedavg: ['gm/global'] },
      rest: [],
    });
  });

  it.each([
    [['--seeds', '1,x'], /--seeds '1,x': 'x' is not a seed/],
    [['--seeds', '1,,2'], /'' is not a seed/],
    [['--seeds', '-1'], /'-1' is not a seed/],
    [['--seeds', '1,2,1'], /lists seed 1 more than once/],
    [['--seeds', '1', '--seeds', '2'], /--seeds is given twice/],
    [['--variants', 'some'], /--variants 'some' is not one of all, headline or <strategy>=<variant>/],
    [['--variants', 'fedloge='], /--variants 'fedloge=' is not one of/],
  ])('refuses %j', (argv, message) => {
    expect(() => takeCompareFlags(argv)).toThrow(UsageError);
    expect(() => takeCompareFlags(argv)).toThrow(message);
  });
});
