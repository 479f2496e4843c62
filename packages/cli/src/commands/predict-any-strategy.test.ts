/**
 * `fedloge predict` on the generic model export that every strategy without its own format gets:
 * tiny runs export their global arrays and client states, and predict, which rebuilds the strategy
 * and calls its own predictors, reproduces the run's evaluation: the global model on the test split
 * scores the evaluator's headline gm/<variant>, and each client's personalized model on its local
 * test set averages to the evaluator's unmasked pm/<variant>. FedAvg has no personal predictor (PM
 * is the GM), FedRoD predicts with heads on the global features (generic + personal head from the
 * client state), FedBABU fine-tunes on the client's training data before predicting.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FASHION_MNIST_DIR, tempDir, writeTinyPartition } from '../__fixtures__/tiny-run.js';
import { runCli } from '../__fixtures__/run-cli.js';

const CLIENTS = 3;

interface Summary {
  model: { dir: string; format: string; files: string[] } | null;
  final: { variants: Record<string, { acc: number }> };
}

/** The correct fraction of a predictions file. */
function fileAccuracy(file: string): number {
  const rows = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { label: number; predicted: number });
  return rows.filter((r) => r.label === r.predicted).length / rows.length;
}

describe.each([
  ['fedavg', 'global', 'global'],
  ['fedrod', 'global', 'generic+personal'],
  ['fedbabu', 'global', 'fine-tuned'],
])('fedloge predict on a %s run (generic export)', (strategy, gmVariant, pmVariant) => {
  let dir: string;
  let summary: Summary;

  beforeAll(async () => {
    dir = tempDir(`predict-${strategy}`);
    writeTinyPartition(dir, CLIENTS, 40);
    const r = await runCli(
      [
        'train',
        '--strategy',
        strategy,
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
    summary = JSON.parse(readFileSync(join(dir, 'run', 'summary.json'), 'utf8'));
  }, 120_000);

  it('train exported the global arrays and client states', () => {
    expect(summary.model).toMatchObject({ dir: join(dir, 'run', 'model'), format: 'fedloge-state-model' });
    for (const file of summary.model!.files) expect(existsSync(join(dir, 'run', 'model', file)), file).toBe(true);
    const manifest = JSON.parse(readFileSync(join(dir, 'run', 'model', 'manifest.json'), 'utf8'));
    expect(manifest.strategy.name).toBe(strategy);
    expect(manifest.variants.global[0]).toBe(gmVariant);
    // FedRoD keeps the personal head of the two trained clients; FedAvg and FedBABU keep no state.
    expect(manifest.clientsWithState).toHaveLength(strategy === 'fedrod' ? 2 : 0);
  });

  it("the global model (default mode) scores the run's headline GM", async () => {
    const out = join(dir, 'gm.jsonl');
    const r = await runCli(['predict', '--run', 'run', '--backend', 'wasm', '--out', out], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`mode: global: ${strategy}: the global model (GM), variant '${gmVariant}'`);
    expect(fileAccuracy(out)).toBeCloseTo(summary.final.variants[`gm/${gmVariant}`]!.acc, 12);
  }, 60_000);

  it("each client's personalized model on its local test set averages to the unmasked PM", async () => {
    const accuracies: number[] = [];
    for (let k = 0; k < CLIENTS; k++) {
      const r = await runCli(
        ['predict', '--run', 'run', '--mode', 'personalized', '--client', String(k), '--split', 'local', '--backend', 'wasm'],
        dir,
      );
      expect(r.code, r.stderr).toBe(0);
      accuracies.push(fileAccuracy(join(dir, 'run', `predictions-personalized-client${k}-local.jsonl`)));
    }
    const mean = accuracies.reduce((a, b) => a + b, 0) / CLIENTS;
    expect(mean).toBeCloseTo(summary.final.variants[`pm/${pmVariant}/unmasked`]!.acc, 12);
  }, 90_000);

  it("refuses FedLoGe's universal mode and an unknown variant, naming what exists", async () => {
    const universal = await runCli(['predict', '--run', 'run', '--mode', 'universal', '--backend', 'wasm'], dir);
    expect(universal.code).toBe(2);
    expect(universal.stderr).toContain(`--mode universal is FedLoGe's SSE-C model; a '${strategy}' model predicts with --mode global`);
    const variant = await runCli(['predict', '--run', 'run', '--variant', 'nope', '--backend', 'wasm'], dir);
    expect(variant.code).toBe(2);
    expect(variant.stderr).toContain(`--variant 'nope' is not one of ${strategy}'s global variants: ${gmVariant}`);
  }, 60_000);
});
