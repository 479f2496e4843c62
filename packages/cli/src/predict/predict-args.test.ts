import { describe, expect, it } from 'vitest';
import { UsageError } from '../config/errors.js';
import { parsePredictArgs } from './predict-args.js';

const parse = (argv: string[]) => parsePredictArgs(argv, '/work');

describe('parsePredictArgs', () => {
  it('resolves paths against cwd and applies the defaults', () => {
    const a = parse(['--run', 'runs/r1']);
    expect(a).toMatchObject({ run: '/work/runs/r1', split: 'test', batchSize: 500, backend: 'auto', outFormat: 'jsonl' });
    expect(a.model).toBeUndefined();
    expect(a.mode).toBeUndefined(); // the model's default: universal for FedLoGe, global otherwise
    expect(a.variant).toBeUndefined();
    expect(a.client).toBeUndefined();
  });

  it('reads every flag', () => {
    const a = parse([
      '--run',
      '/r',
      '--mode',
      'personalized',
      '--client',
      '3',
      '--split',
      'local',
      '--limit',
      '5',
      '--out',
      'p.csv',
      '--model',
      'm',
      '--variant',
      'generic',
      '--data-dir',
      'd',
      '--backend',
      'cpu',
      '--kernels',
      'tfjs',
      '--batch-size',
      '64',
    ]);
    expect(a).toMatchObject({
      run: '/r',
      mode: 'personalized',
      client: 3,
      split: 'local',
      limit: 5,
      out: '/work/p.csv',
      outFormat: 'csv',
      model: '/work/m',
      variant: 'generic',
      dataDir: '/work/d',
      backend: 'cpu',
      kernels: 'tfjs',
      batchSize: 64,
    });
    expect(parse(['--run', '/r', '--indices', '4, 0,17']).indices).toEqual([4, 0, 17]);
  });

  it('returns help without needing --run', () => {
    expect(parse(['--help']).help).toBe(true);
  });

  // Each row must be refused with a UsageError whose message says what to do.
  const refused: [string[], RegExp][] = [
    [[], /needs --run <dir>/],
    [
      ['--run', 'r', '--mode', 'persnalized'],
      /--mode 'persnalized' is not one of universal, global, personalized\. Did you mean 'personalized'\?/,
    ],
    [['--run', 'r', '--mode', 'personalized'], /--mode personalized needs --client <k>/],
    [['--run', 'r', '--split', 'local'], /--split local needs --client <k>/],
    [['--run', 'r', '--client', '2'], /--client applies to --mode personalized or --split local/],
    [['--run', 'r', '--mode', 'personalized', '--client', '-1'], /--client '-1' is not a whole number ≥ 0/],
    [['--run', 'r', '--mode', 'personalized', '--client', '1.5'], /--client '1\.5' is not a whole number/],
    [['--run', 'r', '--limit', '0'], /--limit '0' is not a whole number ≥ 1/],
    [['--run', 'r', '--indices', '1,x,3'], /--indices '1,x,3': expected comma-separated whole numbers.*'x'/],
    [['--run', 'r', '--indices', '1', '--mode', 'personalized', '--client', '0', '--split', 'local'], /leave out --split local/],
    [['--run', 'r', '--out', 'p.txt'], /--out '\/work\/p\.txt': name the file \.jsonl .* or \.csv/],
    [['--run', 'r', '--kernels', 'gpu'], /--kernels 'gpu' is not one of tfjs, native, cuda/],
    [['--run', 'r', '--moed', 'global'], /Unknown flag '--moed'\. Did you mean '--mode'\?/],
    [['--run', 'r', 'global'], /Unexpected argument 'global'/],
    [['--run'], /--run/],
  ];
  it.each(refused)('refuses %j', (argv, message) => {
    expect(() => parse(argv)).toThrow(UsageError);
    expect(() => parse(argv)).toThrow(message);
  });
});
