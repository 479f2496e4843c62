/**
 * `fedloge sweep` end to end on one-round runs of a 3-client slice of Fashion-MNIST (as
 * compare.test.ts): the product of values × seeds as run folders, progress lines, one comparison
 * with a row per point averaging its seeds; invalid points refused together before anything runs;
 * a re-run keeps completed points and resumes an interrupted one.
 */
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TINY_RUN_FLAGS, tempDir, writeTinyPartition } from '../__fixtures__/tiny-run.js';
import { runCli } from '../__fixtures__/run-cli.js';
import { COMPARISON_CSV_COLUMNS } from '../compare/comparison-table.js';

const TINY = ['--strategy', 'fedavg', ...TINY_RUN_FLAGS];

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('fedloge sweep (end to end)', () => {
  it('runs every value × seed as a run folder and writes one comparison, a row per point', async () => {
    const dir = tempDir('sweep');
    writeTinyPartition(dir, 3, 40);
    const { code, stdout, stderr } = await runCli(
      ['sweep', '--set', 'train.lr=0.01,0.2', '--seeds', '5,6', '--variants', 'headline', ...TINY, '--out', 'sw'],
      dir,
    );
    expect(code, stderr).toBe(0);
    const out = join(dir, 'sw');
    expect(stderr).toContain('point 1/4 (lr=0.01, seed 5)');
    expect(stderr).toContain('point 4/4 (lr=0.2, seed 6)');
    const summaries = ['lr=0.01', 'lr=0.2'].map((p) => [5, 6].map((s) => readJson(join(out, p, `seed-${s}`, 'summary.json'))));
    expect(summaries.flat().map((s) => [s.config.train.lr, s.seed])).toEqual([
      [0.01, 5],
      [0.01, 6],
      [0.2, 5],
      [0.2, 6],
    ]);
    // The points of one seed share its partition; the two lr values train differently.
    expect(summaries[0]![0].data).toEqual(summaries[1]![0].data);
    expect(summaries[0]![0].final.gm.acc).not.toBe(summaries[1]![0].final.gm.acc);
    for (const file of ['compare.md', 'compare.csv', 'report.html']) expect(existsSync(join(out, file)), file).toBe(true);

    const [header, ...lines] = readFileSync(join(out, 'compare.csv'), 'utf8').trimEnd().split('\n');
    expect(header).toBe(COMPARISON_CSV_COLUMNS.join(','));
    expect(lines).toHaveLength(2);
    lines.forEach((line, i) => {
      const f = Object.fromEntries(COMPARISON_CSV_COLUMNS.map((c, j) => [c, line.split(',')[j]]));
      expect(f['strategy']).toBe(['lr=0.01', 'lr=0.2'][i]);
      expect(f['seeds']).toBe('2');
      expect(Number(f['last_gm_all'])).toBeCloseTo(mean(summaries[i]!.map((s) => s.final.gm.acc as number)), 12);
    });
    expect(stdout).toContain('| lr=0.2 | headline | 2 |');
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('train.lr ∈ {0.01, 0.2}');

    // The same sweep again trains nothing and writes the same table.
    const csv = readFileSync(join(out, 'compare.csv'), 'utf8');
    const again = await runCli(
      ['sweep', '--set', 'train.lr=0.01,0.2', '--seeds', '5,6', '--variants', 'headline', ...TINY, '--out', 'sw'],
      dir,
    );
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr.match(/completed earlier, kept/g)).toHaveLength(4);
    expect(again.stderr).toContain('point 3/4 (lr=0.2, seed 5): completed earlier, kept');
    expect(readFileSync(join(out, 'compare.csv'), 'utf8')).toBe(csv);
  }, 240_000);

  it('resumes an interrupted point from its checkpoint, with the numbers of an uninterrupted run', async () => {
    const dir = tempDir('sweep-resume');
    writeTinyPartition(dir, 3, 40);
    const twoRounds = TINY.map((a, i) => (TINY[i - 1] === '--rounds' ? '2' : a));
    const argv = ['sweep', '--set', 'train.lr=0.05', ...twoRounds, '--seed', '5', '--keep-checkpoints', '2', '--out', 'sw'];
    const first = await runCli(argv, dir);
    expect(first.code, first.stderr).toBe(0);
    const run = join(dir, 'sw', 'lr=0.05', 'seed-5');
    const whole = readJson(join(run, 'summary.json'));
    // As if stopped after round 1: no summary, no kept result, only the round-1 checkpoint.
    rmSync(join(run, 'summary.json'));
    rmSync(`${run}.result.json`);
    const checkpoints = readdirSync(join(run, 'checkpoints')).sort();
    expect(checkpoints).toHaveLength(2);
    rmSync(join(run, 'checkpoints', checkpoints[1]!));
    const again = await runCli(argv, dir);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('point 1/1 (lr=0.05, seed 5): resuming after round 1');
    const resumed = readJson(join(run, 'summary.json'));
    expect(resumed.final.gm).toEqual(whole.final.gm);
    expect(resumed.final.pm).toEqual(whole.final.pm);
  }, 180_000);

  it('refuses every invalid point at once, naming key and value, before anything is written', async () => {
    const dir = tempDir('sweep-bad');
    writeTinyPartition(dir, 3, 40);
    const { code, stderr } = await runCli(['sweep', '--set', 'train.lr=0.01,-1,fast', ...TINY, '--out', 'sw'], dir);
    expect(code).toBe(2);
    expect(stderr).toContain('Cannot sweep');
    expect(stderr).toMatch(/lr=-1: .*--set train\.lr=-1/);
    expect(stderr).toMatch(/lr=fast: .*--set train\.lr=fast/);
    expect(stderr).not.toMatch(/lr=0\.01:/);
    expect(existsSync(join(dir, 'sw'))).toBe(false);
  }, 60_000);

  it("takes the keys of a config file's sweep: section, --set replacing a key it lists", async () => {
    const dir = tempDir('sweep-file');
    writeTinyPartition(dir, 3, 40);
    writeFileSync(join(dir, 'base.yaml'), 'seed: 5\nsweep:\n  train.lr: [0.01, 0.2]\n  train.momentum: [0.5]\n');
    const r = await runCli(['sweep', '--config', 'base.yaml', '--set', 'train.lr=0.05', ...TINY, '--out', 'sw'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('point 1/1 (lr=0.05, momentum=0.5, seed 5)');
    const summary = readJson(join(dir, 'sw', 'lr=0.05_momentum=0.5', 'seed-5', 'summary.json'));
    expect([summary.config.train.lr, summary.config.train.momentum]).toEqual([0.05, 0.5]);
    expect(summary.configFile).toBe(join(dir, 'base.yaml'));

    writeFileSync(join(dir, 'bad.yaml'), 'sweep:\n  train.lr: []\n  train.momentum: [{a: 1}]\n');
    const bad = await runCli(['sweep', '--config', 'bad.yaml', ...TINY, '--out', 'sw2'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('bad.yaml: sweep.train.lr lists no values');
    expect(bad.stderr).toContain('bad.yaml: sweep.train.momentum: {"a":1} is not a number, true/false or text');
  }, 120_000);
});
