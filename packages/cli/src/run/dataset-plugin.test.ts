/**
 * A dataset from a plugin module, selected by `dataset.name` like a strategy: its options are
 * checked by its own schema before anything runs, and worker threads load it from the same module
 * (typed `DatasetRef` in the runtime spec), so a run on 2 worker threads gives the numbers of a
 * run on the main thread.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '@fedloge/core';
import { tempDir } from '../__fixtures__/tiny-run.js';
import { runFederation } from '../api/run-federation.js';

const plugin = fileURLToPath(new URL('../../examples/plugins/synthetic-dataset.mjs', import.meta.url));

function config(workers: number, out: string) {
  return {
    plugins: [plugin],
    dataset: { name: 'synthetic', options: { classes: 4, perClass: 48 }, imbalanceFactor: 0.25 },
    clients: { total: 4, perRound: 2 },
    rounds: 2,
    evalEvery: 2,
    train: { batchSize: 16, lr: 0.05 },
    backend: 'wasm' as const,
    workers,
    out,
  };
}

/** metrics.jsonl without wall times. */
function numbers(folder: string): string {
  return readFileSync(join(folder, 'metrics.jsonl'), 'utf8').replace(/"(trainSeconds|evalSeconds|seconds)":[0-9.e-]+,?/g, '');
}

describe('a dataset plugin module', () => {
  it('trains the same on worker threads as on the main thread', async () => {
    const dir = tempDir('dataset-plugin');
    const inline = await runFederation(config(0, 'inline'), { cwd: dir, logger: silentLogger() });
    const threads = await runFederation(config(2, 'threads'), { cwd: dir, logger: silentLogger() });
    expect(threads.summary.workers).toBe(2);
    expect(inline.summary.data.classCounts).toEqual([48, 30, 19, 12]); // floor(48 · 0.25^(c/3))
    expect(numbers(threads.outDir)).toBe(numbers(inline.outDir));
    expect(inline.metrics.final.gm.acc).toBeGreaterThan(0.25); // 4 classes: chance is 0.25
  });

  it('has its options checked by its own schema before the run starts', async () => {
    const dir = tempDir('dataset-plugin-bad');
    const bad = { ...config(0, 'never'), dataset: { name: 'synthetic', options: { side: 6 } } };
    await expect(runFederation(bad, { cwd: dir })).rejects.toThrow(
      /dataset: Invalid options for dataset 'synthetic':; dataset 'synthetic' option side: Invalid number: must be a multiple of 4/,
    );
  });
});
