import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { classHistogram, silentLogger } from '@fedloge/core';
import { createPatternFederation } from '../../../../test/fixtures/pattern-federation.js';
import { tempDir } from '../__fixtures__/tiny-run.js';
import { RunConfigSchema } from '../config/schema.js';
import type { RunData } from '../run/run-data.js';
import { trainRun, type TrainIo } from '../run/train-run.js';
import { compareRun } from './compare-run.js';

const FIXTURES = resolve(import.meta.dirname, '../../../../test/fixtures');

/** A 4-class pattern federation the test MLP learns in milliseconds, shared by every run. */
function patternRunData(): RunData {
  const { dataset, partition } = createPatternFederation({ numClasses: 4, trainPerClass: 60, testPerClass: 20, numClients: 4, seed: 3 });
  const ltCounts = classHistogram(dataset.train.labels, partition.trainIndices.flat(), dataset.numClasses);
  return { dataset, data: { dataset, partition, ltCounts } };
}

const config = (out: string) =>
  RunConfigSchema.parse({
    plugins: [join(FIXTURES, 'my-strategy.ts'), join(FIXTURES, 'mlp-backbone.ts')],
    model: { name: 'tiny-mlp', options: { featureDim: 8 } },
    strategy: { name: 'personal-head-avg', options: { pmPredictor: 'model' } },
    clients: { total: 4, perRound: 2 },
    rounds: 3,
    train: { batchSize: 16, lr: 0.1 },
    backend: 'cpu',
    workers: 0,
    seed: 9,
    out,
  });

const sink = () => new Writable({ write: (_c, _e, done) => done() });
const io = (runData: RunData): TrainIo => ({ cwd: '/', stdout: sink(), stderr: sink(), logger: silentLogger(), runData });

describe('compareRun', () => {
  it('gives each strategy exactly the result train gives it on the same data and seed', async () => {
    const dir = tempDir('compare-run');
    const runData = patternRunData();
    const compared = await compareRun({ config: config(join(dir, 'cmp')), configFile: undefined }, ['fedavg', 'personal-head-avg'], io(runData));
    const trained = await trainRun(
      { config: { ...config(join(dir, 'single')), strategy: { name: 'fedavg', options: {} } }, configFile: undefined },
      io(runData),
    );
    const fedavg = compared.runs[0]!.outcome;
    expect(fedavg.result.final.gm).toEqual(trained.result.final.gm);
    expect(fedavg.result.perClassAccuracy).toEqual(trained.result.perClassAccuracy);
    expect(fedavg.result.rounds.map((r) => r.clients.map((c) => c.clientId))).toEqual(
      trained.result.rounds.map((r) => r.clients.map((c) => c.clientId)),
    );
  });

  it('passes the config file strategy options only to the strategy they were written for', async () => {
    const dir = tempDir('compare-options');
    const { runs } = await compareRun({ config: config(join(dir, 'cmp')), configFile: undefined }, ['fedavg', 'personal-head-avg'], io(patternRunData()));
    const summaries = runs.map((r) => JSON.parse(readFileSync(join(r.outcome.outDir, 'summary.json'), 'utf8')));
    expect(summaries.map((s) => s.config.strategy)).toEqual([
      { name: 'fedavg', options: {} },
      { name: 'personal-head-avg', options: { pmPredictor: 'model' } },
    ]);
    expect(runs.map((r) => r.outcome.outDir)).toEqual([join(dir, 'cmp', 'fedavg'), join(dir, 'cmp', 'personal-head-avg')]);
  });
});
