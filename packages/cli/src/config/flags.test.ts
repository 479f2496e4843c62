import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from './errors.js';
import { CONFIG_FLAGS, parseConfigArgs } from './flags.js';
import { formatFlagHelp } from './help.js';
import { configJsonSchema } from './json-schema.js';
import { RunConfigSchema } from './schema.js';

const cwd = '/home/user/project';

describe('parseConfigArgs', () => {
  it('maps flags onto config paths with typed values', () => {
    const { layer, help, configFile } = parseConfigArgs(
      [
        '--strategy',
        'fedloge',
        '--rounds',
        '3',
        '--clients-per-round=4',
        '--lr',
        '0.1',
        '--export-partition',
        'split.json',
        '--workers',
        'auto',
        '--config',
        'a.yaml',
      ],
      cwd,
    );
    expect(help).toBe(false);
    expect(configFile).toBe('a.yaml');
    expect(layer.values).toEqual({
      strategy: { name: 'fedloge' },
      rounds: 3,
      clients: { perRound: 4 },
      train: { lr: 0.1 },
      exportPartition: resolve(cwd, 'split.json'),
      workers: 'auto',
    });
    expect(layer.describe(['clients', 'perRound'])).toBe('--clients-per-round');
  });

  it('collects repeated --plugin flags and resolves relative paths against the working directory', () => {
    const { layer } = parseConfigArgs(['--plugin', './a.js', '--plugin', 'some-package', '--data-dir', 'data'], cwd);
    expect(layer.values['plugins']).toEqual(['/home/user/project/a.js', 'some-package']);
    expect(layer.values['dataset']).toEqual({ dataDir: '/home/user/project/data' });
  });

  it('--kernels sets the strategy option of that name', () => {
    expect(parseConfigArgs(['--kernels', 'native'], cwd).layer.values).toEqual({ strategy: { options: { kernels: 'native' } } });
  });

  it('takes a negative number as the value of a number flag', () => {
    expect(parseConfigArgs(['--lr', '-1', '--momentum', '-.5'], cwd).layer.values).toEqual({ train: { lr: -1, momentum: -0.5 } });
  });

  it('recognises --help', () => {
    expect(parseConfigArgs(['--help'], cwd).help).toBe(true);
  });

  // Each row must fail; the comment says why.
  const invalid: { argv: string[]; message: RegExp }[] = [
    // a typo of --rounds: suggest the real flag
    { argv: ['--roundz', '3'], message: /Unknown flag '--roundz'\. Did you mean '--rounds'\?/ },
    // camelCase config key used as a flag
    { argv: ['--localEpochs', '2'], message: /Unknown flag '--localEpochs'\. Did you mean '--local-epochs'\?/ },
    // a number flag given text
    { argv: ['--rounds', 'ten'], message: /--rounds expects a number but received 'ten'/ },
    // a value flag at the end of the line with nothing after it
    { argv: ['--rounds'], message: /--rounds/ },
    // bare words are not accepted (flags only)
    { argv: ['fedavg'], message: /Unexpected argument 'fedavg'/ },
    // workers is a count or auto
    { argv: ['--workers', 'lots'], message: /--workers expects a number or "auto" but received 'lots'/ },
  ];
  it.each(invalid)('rejects $argv', ({ argv, message }) => {
    expect(() => parseConfigArgs(argv, cwd)).toThrow(UsageError);
    expect(() => parseConfigArgs(argv, cwd)).toThrow(message);
  });

  it('every flag targets a path the config schema knows', () => {
    const defaults = RunConfigSchema.parse({}) as Record<string, unknown>;
    const shape = configJsonSchema().properties!;
    for (const f of CONFIG_FLAGS) {
      expect(shape, `--${f.flag}`).toHaveProperty(f.path[0]!);
      if (f.path.length === 2 && typeof defaults[f.path[0]!] === 'object') {
        // Nested keys: setting the flag's path alone must validate (or fail only on its value).
        const r = RunConfigSchema.safeParse({ [f.path[0]!]: { [f.path[1]!]: undefined } });
        expect(r.success, `--${f.flag}`).toBe(true);
      }
    }
  });
});

describe('formatFlagHelp', () => {
  it('lists every flag with its default', () => {
    const help = formatFlagHelp();
    for (const f of CONFIG_FLAGS) expect(help).toContain(`--${f.flag}`);
    expect(help).toMatch(/--rounds <n> +Communication rounds\. \(default: 10\)/);
    expect(help).toMatch(/--clients-per-round <n> .*\(default: 5\)/);
    expect(help).toMatch(/--strategy <name> .*\(default: fedavg\)/);
    expect(help).toMatch(/--plugin <module> .*Repeatable\./);
  });
});
