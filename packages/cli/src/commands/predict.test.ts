/**
 * `fedloge predict` end to end: a tiny FedLoGe run exports its model, then predict reproduces the
 * run's own evaluation from the exported files — the universal and global modes score exactly the
 * evaluator's gm/sse-c and gm/ga-fr, and the personalized mode on every client's local test set
 * averages to the evaluator's unmasked pm/la-fr.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FASHION_MNIST_DIR, tempDir, writeTinyPartition } from '../__fixtures__/tiny-run.js';
import { runCli } from '../__fixtures__/run-cli.js';

/** The `accuracy 12.3 % (…); head …, middle …, tail …` line as fractions (to 0.1 %). */
function printedAccuracy(stdout: string): { acc: number; head: number | null; middle: number | null; tail: number | null } {
  const m = /accuracy ([\d.]+) % \(\d+\/\d+\); head ([\d.]+|-), middle ([\d.]+|-), tail ([\d.]+|-)/.exec(stdout);
  if (!m) throw new Error(`no accuracy line in:\n${stdout}`);
  const value = (s: string) => (s === '-' ? null : Number(s));
  return { acc: Number(m[1]), head: value(m[2]!), middle: value(m[3]!), tail: value(m[4]!) };
}

const pct = (x: number | null) => (x === null ? null : Number((100 * x).toFixed(1)));
const CLIENTS = 3;

describe('fedloge predict (end to end)', () => {
  let dir: string;
  let out: string;
  let summary: {
    model: { dir: string; format: string; files: string[] } | null;
    final: {
      variants: Record<string, { acc: number; head: number | null; middle: number | null; tail: number | null }>;
      variantLabels: Record<string, string>;
    };
  };
  let trainStdout: string;

  beforeAll(async () => {
    dir = tempDir('predict');
    writeTinyPartition(dir, CLIENTS, 40);
    const r = await runCli(
      [
        'train',
        '--strategy',
        'fedloge',
        '--partition',
        'tiny-partition.json',
        '--data-dir',
        FASHION_MNIST_DIR,
        '--clients',
        String(CLIENTS),
        '--clients-per-round',
        '2',
        '--rounds',
        '1',
        '--batch-size',
        '16',
        '--backend',
        'wasm',
        '--workers',
        '0',
        '--seed',
        '5',
        '--out',
        'run',
      ],
      dir,
    );
    expect(r.code, r.stderr).toBe(0);
    trainStdout = r.stdout;
    out = join(dir, 'run');
    summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  }, 120_000);

  it('train exported the model into <out>/model and recorded it in summary.json', () => {
    expect(summary.model).toMatchObject({ dir: join(out, 'model'), format: 'fedloge-model' });
    for (const file of summary.model!.files) expect(existsSync(join(out, 'model', file)), file).toBe(true);
    expect(summary.final.variantLabels['gm/sse-c']).toBe('GM universal (SSE-C)');
    expect(summary.final.variantLabels['pm/la-fr/unmasked']).toBe('PM personalized (LA-FR), unmasked');
    for (const label of [
      'GM universal (SSE-C) *',
      'GM global (GA-FR)',
      'PM stage 1 (local+global head), masked *',
      'PM personalized (LA-FR), unmasked',
    ]) {
      expect(trainStdout).toContain(label);
    }
  });

  it.each([
    ['universal', 'gm/sse-c'],
    ['global', 'gm/ga-fr'],
  ])(
    '--mode %s on the test split scores what the run reported as %s, and writes every prediction',
    async (mode, variant) => {
      const file = join(dir, `${mode}.csv`);
      const r = await runCli(['predict', '--run', 'run', '--mode', mode, '--backend', 'wasm', '--out', file], dir);
      expect(r.code, r.stderr).toBe(0);
      const expected = summary.final.variants[variant]!;
      expect(printedAccuracy(r.stdout)).toEqual({
        acc: pct(expected.acc),
        head: pct(expected.head),
        middle: pct(expected.middle),
        tail: pct(expected.tail),
      });
      const lines = readFileSync(file, 'utf8').trim().split('\n');
      expect(lines[0]).toBe('index,label,predicted');
      expect(lines).toHaveLength(10_001);
      const rows = lines.slice(1).map((l) => l.split(',').map(Number));
      expect(rows.map((r) => r[0])).toEqual(Array.from({ length: 10_000 }, (_, i) => i));
      const correct = rows.filter(([, label, predicted]) => label === predicted).length;
      // Fashion-MNIST's test split is balanced, so pooled accuracy is the GM accuracy itself.
      expect(correct / 10_000).toBeCloseTo(expected.acc, 12);
    },
    60_000,
  );

  it("--mode personalized on each client's local test set averages to the unmasked pm/la-fr", async () => {
    const accuracies: number[] = [];
    for (let k = 0; k < CLIENTS; k++) {
      const r = await runCli(
        ['predict', '--run', 'run', '--mode', 'personalized', '--client', String(k), '--split', 'local', '--backend', 'wasm'],
        dir,
      );
      expect(r.code, r.stderr).toBe(0);
      const file = join(out, `predictions-personalized-client${k}-local.jsonl`);
      expect(r.stdout).toContain(`predictions written to ${file}`);
      const rows = readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { index: number; label: number; predicted: number });
      // The tiny partition's local test set of client k is test images 10k .. 10k+9.
      expect(rows.map((row) => row.index)).toEqual(Array.from({ length: 10 }, (_, i) => 10 * k + i));
      accuracies.push(rows.filter((row) => row.label === row.predicted).length / rows.length);
    }
    const mean = accuracies.reduce((a, b) => a + b, 0) / CLIENTS;
    expect(mean).toBeCloseTo(summary.final.variants['pm/la-fr/unmasked']!.acc, 12);
  }, 60_000);

  it('--indices and --limit pick the images', async () => {
    const r = await runCli(
      ['predict', '--run', 'run', '--mode', 'global', '--indices', '9,3,7', '--limit', '2', '--backend', 'wasm', '--out', 'few.jsonl'],
      dir,
    );
    expect(r.code, r.stderr).toBe(0);
    const rows = readFileSync(join(dir, 'few.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows.map((row) => row.index)).toEqual([9, 3]);
    expect(r.stdout).toMatch(/images: 2, the first 2 images of 3 chosen images/);
  }, 30_000);

  it('refuses a client out of range, naming the number of clients', async () => {
    const r = await runCli(['predict', '--run', 'run', '--mode', 'personalized', '--client', String(CLIENTS), '--backend', 'wasm'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--client ${CLIENTS} is out of range: the run had ${CLIENTS} clients (ids 0 to ${CLIENTS - 1})`);
  });

  it("refuses --variant, which other strategies' models take: FedLoGe chooses with --mode", async () => {
    const r = await runCli(['predict', '--run', 'run', '--variant', 'ga-fr', '--backend', 'wasm'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--variant applies to models of strategies other than fedloge; a FedLoGe model chooses with --mode');
  });

  it('explains a run without a model folder (written before every strategy exported one)', async () => {
    const fedavgRun = join(dir, 'fedavg-run');
    mkdirSync(fedavgRun);
    const fedloge = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    writeFileSync(join(fedavgRun, 'summary.json'), JSON.stringify({ ...fedloge, strategy: 'fedavg', model: null }));
    const r = await runCli(['predict', '--run', 'fedavg-run'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("the run (strategy 'fedavg') exported no model; it predates model export for every strategy");

    const missing = await runCli(['predict', '--run', 'no-such-run'], dir);
    expect(missing.stderr).toContain(`Run folder ${join(dir, 'no-such-run')} does not exist`);
  });
});
