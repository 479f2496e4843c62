import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FASHION_MNIST_DIR, tempDir, tinyPartition, writeTinyPartition } from '../__fixtures__/tiny-run.js';
import { runCli } from '../__fixtures__/run-cli.js';

describe('fedloge train (end to end)', () => {
  it('trains a tiny run and writes metrics.jsonl, summary.json and the --export-partition file', async () => {
    const dir = tempDir('e2e');
    const partition = writeTinyPartition(dir, 3, 40);
    const { code, stdout, stderr } = await runCli(
      [
        'train',
        '--partition',
        'tiny-partition.json',
        '--data-dir',
        FASHION_MNIST_DIR,
        '--clients',
        '3',
        '--clients-per-round',
        '2',
        '--rounds',
        '2',
        '--eval-every',
        '2',
        '--batch-size',
        '16',
        '--backend',
        'wasm',
        '--workers',
        '0',
        '--seed',
        '5',
        '--out',
        'out',
        '--export-partition',
        'exported/partition.json',
      ],
      dir,
    );
    expect(stderr).toContain('backend: wasm');
    expect(code, stderr).toBe(0);
    const out = join(dir, 'out');

    // One line per evaluated round: round 2 only (eval every 2).
    const lines = readFileSync(join(out, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.round)).toEqual([2]);
    for (const key of ['acc', 'head', 'middle', 'tail']) expect(lines[0].gm).toHaveProperty(key);
    expect(lines[0].gm.acc).toBeGreaterThanOrEqual(0);
    expect(lines[0].gm.acc).toBeLessThanOrEqual(1);
    expect(lines[0].trainSeconds).toBeGreaterThan(0);
    expect(lines[0].clients).toHaveLength(2);

    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.config.rounds).toBe(2);
    expect(summary.config.partition).toBe(partition);
    expect(summary.seed).toBe(5);
    expect(summary.outDir).toBe(out);
    expect(summary.backend.name).toBe('wasm');
    expect(summary.versions.node).toBe(process.versions.node);
    expect(summary.final.round).toBe(2);
    expect(summary.final.gm).toEqual(lines[0].gm);
    expect(summary.best.gm.round).toBe(2);
    expect(summary.perClassGm).toHaveLength(10);
    // The GM accuracy is the mean of the per-class accuracies on the balanced test set (1000 per class).
    const perClass: number[] = summary.perClassGm.map((c: { acc: number }) => c.acc);
    expect(perClass.reduce((a, b) => a + b, 0) / 10).toBeCloseTo(summary.final.gm.acc, 10);
    expect(summary.data.clientSizes).toEqual([40, 40, 40]);

    expect(JSON.parse(readFileSync(join(dir, 'exported', 'partition.json'), 'utf8'))).toEqual(tinyPartition(3, 40));
    expect(existsSync(join(out, '.summary.json.tmp'))).toBe(false);

    expect(stdout).toMatch(/Results after round 2/);
    expect(stdout).toMatch(/^GM global \* +\d+\.\d.* gm\/global$/m);
    // FedAvg's headline PM is the unmasked one, as its reference reports it; both rows are shown.
    expect(stdout).toMatch(/^PM global, unmasked \* +\d+\.\d.* pm\/global\/unmasked$/m);
    expect(stdout).toMatch(/^PM global, masked +\d+\.\d.* pm\/global$/m);
    expect(summary.final.pmHeadline).toBe('unmasked');
    expect(summary.final.pm).toEqual(summary.final.pmUnmasked);
    expect(summary.final.pmMasked).toEqual(lines[0].pmMasked);
    // FedAvg has no format of its own: the generic export (global arrays, client states) is written.
    expect(summary.model).toMatchObject({ dir: join(out, 'model'), format: 'fedloge-state-model', version: 1 });
    expect(existsSync(join(out, 'model', 'manifest.json'))).toBe(true);
    expect(stderr).toMatch(/round 2\/2 .*GM \d/);
  });

  it('a run whose global model never changed (--lr 1e6: every update NaN) says so and exits non-zero', async () => {
    const dir = tempDir('never-updated');
    writeTinyPartition(dir, 3, 40);
    const { code, stdout, stderr } = await runCli(
      [
        'train',
        '--partition',
        'tiny-partition.json',
        '--data-dir',
        FASHION_MNIST_DIR,
        '--clients',
        '3',
        '--clients-per-round',
        '2',
        '--rounds',
        '2',
        '--eval-every',
        '2',
        '--batch-size',
        '16',
        '--lr',
        '1e6',
        '--backend',
        'wasm',
        '--workers',
        '0',
        '--out',
        'out',
      ],
      dir,
    );
    expect(code, stderr).toBe(1);
    expect(stderr).toMatch(/round 1\/2 .*all 2 updates dropped \(NaN\/Inf\): global model unchanged/);
    expect(stderr).toMatch(
      /error: the global model never changed: in all 2 rounds every client update held NaN or Infinity.*--lr, now 1000000/,
    );
    expect(stdout).toMatch(/Results after round 2/);
    const summary = JSON.parse(readFileSync(join(dir, 'out', 'summary.json'), 'utf8'));
    expect(summary.roundsWithoutUpdate).toEqual([1, 2]);
    expect(summary.globalNeverUpdated).toBe(true);
  });

  // Each row is a command line that must be refused with exit status 2 and no output folder.
  const refused: { argv: string[]; message: RegExp; why: string }[] = [
    {
      argv: ['--strategy', 'fedavgg'],
      message: /Unknown strategy 'fedavgg'\. Did you mean 'fedavg'\? Registered strategy plugins: .*fedavg/,
      why: 'unknown strategy lists the registered ones',
    },
    {
      argv: ['--aggregator', 'mean'],
      message: /Unknown aggregator 'mean'\. Did you mean 'median'\? Registered aggregator plugins: .*median/,
      why: 'unknown aggregator',
    },
    {
      argv: ['--clients', '4', '--clients-per-round', '9'],
      message: /clients\.perRound: Expected an integer in \[1, 4\] \(the number of clients\) but received 9/,
      why: 'more clients per round than clients',
    },
    { argv: ['--rounds', '0', '--lr', '-1'], message: /rounds: received 0[^]*train\.lr: received -1/, why: 'both problems listed' },
    { argv: ['--roundz', '3'], message: /Did you mean '--rounds'/, why: 'unknown flag' },
  ];
  it.each(refused)('refuses $argv ($why)', async ({ argv, message }) => {
    const dir = tempDir('refused');
    const { code, stderr } = await runCli(['train', ...argv, '--out', 'out', '--backend', 'wasm'], dir);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(existsSync(join(dir, 'out'))).toBe(false);
    expect(existsSync(join(dir, 'runs'))).toBe(false);
  });

  it('a strategy option its schema rejects is refused before anything is written', async () => {
    const dir = tempDir('bad-option');
    const cfg = join(dir, 'cfg.json');
    await import('node:fs').then((fs) =>
      fs.writeFileSync(cfg, JSON.stringify({ strategy: { name: 'fedavg', options: { noSuchOption: 1 } } })),
    );
    const { code, stderr } = await runCli(['train', '--config', 'cfg.json', '--out', 'out'], dir);
    expect(code).toBe(2);
    expect(stderr).toMatch(/strategy: Invalid options for strategy 'fedavg'/);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  // Aggregator options that can never work with the configured clients per round (Trust #6).
  const impossible: { aggregator: object; perRound: number; message: RegExp }[] = [
    {
      aggregator: { name: 'krum', options: { f: 1 } },
      perRound: 4,
      message:
        /aggregator: krum with f = 1 needs more than 2f \+ 2 = 4 updates per round, but 4 clients are sampled per round; sample at least 5 clients per round \(--clients-per-round\) or lower f to at most 0/,
    },
    {
      aggregator: { name: 'krum' },
      perRound: 2,
      message: /krum with f = 0 needs more than 2f \+ 2 = 2 updates per round, but 2 clients are sampled.*\(even f = 0 needs 3\)/,
    },
    {
      aggregator: { name: 'multi-krum', options: { f: 2 } },
      perRound: 5,
      message: /multi-krum with f = 2 needs more than 2f \+ 2 = 6 updates per round, but 5 clients/,
    },
    {
      aggregator: { name: 'multi-krum', options: { m: 6 } },
      perRound: 5,
      message: /multi-krum averages m = 6 updates but only 5 clients are sampled per round; lower m to at most 5/,
    },
  ];
  it.each(impossible)(
    'refuses $aggregator with $perRound clients per round before loading data',
    async ({ aggregator, perRound, message }) => {
      const dir = tempDir('impossible-aggregator');
      writeFileSync(join(dir, 'cfg.json'), JSON.stringify({ aggregator, clients: { total: 10, perRound } }));
      // A data folder that does not exist: the refusal must come before any data is read.
      const { code, stderr } = await runCli(
        ['train', '--config', 'cfg.json', '--data-dir', join(dir, 'no-data'), '--out', 'out', '--backend', 'wasm'],
        dir,
      );
      expect(code).toBe(2);
      expect(stderr).toMatch(message);
      expect(existsSync(join(dir, 'out'))).toBe(false);
    },
  );

  it('prints help with every flag and the registered strategies', async () => {
    const { code, stdout } = await runCli(['train', '--help'], process.cwd());
    expect(code).toBe(0);
    expect(stdout).toMatch(/--clients-per-round <n> .*\(default: 5\)/);
    const strategies = stdout.slice(stdout.indexOf('Strategies (--strategy):'), stdout.indexOf('Aggregators (--aggregator):'));
    expect(strategies).toMatch(/^ {2}fedavg +FedAvg/m);
    expect(strategies).toMatch(/^ {2}fedloge +/m);
  });

  it('suggests the closest command for a typo', async () => {
    const { code, stderr } = await runCli(['trian'], process.cwd());
    expect(code).toBe(2);
    expect(stderr).toMatch(/Unknown command 'trian'\. Did you mean 'train'\?/);
  });
});
