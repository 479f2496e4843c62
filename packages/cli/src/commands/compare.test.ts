import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TINY_RUN_FLAGS, tempDir, writeTinyPartition } from '../__fixtures__/tiny-run.js';
import { runCli } from '../__fixtures__/run-cli.js';
import { COMPARISON_CSV_COLUMNS } from '../compare/comparison-table.js';

/** The user strategy of the test fixtures (FedAvg plus a personal head), loaded as a plugin module. */
const PLUGIN = resolve(import.meta.dirname, '../../../../test/fixtures/my-strategy.ts');

/**
 * Shared flags of a one-round run on a 3-client slice of the real Fashion-MNIST (its cost is the
 * one evaluation on the 10 000 test images; compare-run.test.ts covers the logic on small data).
 */
const TINY = [...TINY_RUN_FLAGS, '--seed', '5'];

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

describe('fedloge compare (end to end)', () => {
  it('trains every strategy on the same partition and writes compare.md, compare.csv and report.html', async () => {
    const dir = tempDir('compare');
    writeTinyPartition(dir, 3, 40);
    const { code, stdout, stderr } = await runCli(
      ['compare', '--strategies', 'fedavg,personal-head-avg', '--variants', 'headline', '--plugin', PLUGIN, ...TINY, '--out', 'cmp'],
      dir,
    );
    expect(code, stderr).toBe(0);
    const out = join(dir, 'cmp');
    for (const file of ['compare.md', 'compare.csv', 'report.html']) expect(existsSync(join(out, file)), file).toBe(true);

    const summaries = ['fedavg', 'personal-head-avg'].map((s) => {
      for (const file of ['metrics.jsonl', 'summary.json', 'report.html'])
        expect(existsSync(join(out, s, file)), `${s}/${file}`).toBe(true);
      return readJson(join(out, s, 'summary.json'));
    });
    expect(summaries.map((s) => s.strategy)).toEqual(['fedavg', 'personal-head-avg']);
    // Same partition and seed for both.
    expect(summaries[0].data).toEqual(summaries[1].data);
    expect(summaries.map((s) => s.seed)).toEqual([5, 5]);

    // compare.csv holds exactly the summaries' numbers, as fractions.
    const [header, ...lines] = readFileSync(join(out, 'compare.csv'), 'utf8').trimEnd().split('\n');
    expect(header).toBe(COMPARISON_CSV_COLUMNS.join(','));
    expect(lines).toHaveLength(2);
    lines.forEach((line, i) => {
      const s = summaries[i];
      const f = Object.fromEntries(COMPARISON_CSV_COLUMNS.map((c, j) => [c, line.split(',')[j]]));
      const field = (x: number | null) => (x === null ? '' : String(x));
      expect(f['strategy']).toBe(s.strategy);
      expect(f['last_gm_round']).toBe(String(s.final.round));
      expect(f['last_gm_all']).toBe(field(s.final.gm.acc));
      expect(f['last_pm_head']).toBe(field(s.final.pm.head));
      expect(f['best_gm_round']).toBe(String(s.best.gm.round));
      expect(f['best_pm_all']).toBe(field(s.best.pm.metrics.acc));
    });

    // compare.md (also printed) shows them as percent with two decimals.
    const md = readFileSync(join(out, 'compare.md'), 'utf8');
    expect(stdout).toContain(md);
    const gm = summaries[1].final.gm.acc as number;
    expect(md).toContain(`| personal-head-avg | headline | 1 | 1 | ${(100 * gm).toFixed(2)} |`);

    // The top report shows both strategies and the partition once.
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html.match(/<tr data-strategy=/g)).toHaveLength(4);
    expect(html.match(/<svg class="chart heat-map"/g)).toHaveLength(1);
  });

  // Each row is a command line that must be refused with exit status 2 before anything is written.
  it.each([
    {
      argv: ['--strategies', 'fedavg,fedprx,nope'],
      message: /Unknown strategy 'fedprx'\. Did you mean 'fedprox'\? Registered strategy plugins: .*fedavg[^]*Unknown strategy 'nope'/,
      why: 'every unknown name, with the registered ones',
    },
    { argv: ['--rounds', '2'], message: /compare needs --strategies/, why: 'no strategies' },
    { argv: ['--strategies', 'fedavg', '--strategy', 'fedavg'], message: /leave out --strategy/, why: '--strategy is ambiguous here' },
    { argv: ['--strategies', 'fedavg,fedavg'], message: /more than once/, why: 'a strategy twice' },
    { argv: ['--strategies', 'fedavg', '--seeds', '1,x'], message: /--seeds '1,x': 'x' is not a seed/, why: 'a seed that is not one' },
  ])('refuses $argv ($why)', async ({ argv, message }) => {
    const dir = tempDir('compare-refused');
    const { code, stderr } = await runCli(['compare', ...argv, '--out', 'cmp', '--backend', 'wasm'], dir);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(existsSync(join(dir, 'cmp'))).toBe(false);
    expect(existsSync(join(dir, 'runs'))).toBe(false);
  });

  it('prints help with --strategies and the registered strategies', async () => {
    const { code, stdout } = await runCli(['compare', '--help'], process.cwd());
    expect(code).toBe(0);
    expect(stdout).toMatch(/--strategies <a,b,…> +Comma-separated/);
    expect(stdout).toMatch(/Registered strategies: .*fedavg/);
  });
});
