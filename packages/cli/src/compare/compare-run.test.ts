import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { classHistogram, silentLogger } from '@fedloge/core';
import { createPatternFederation } from '../../../../test/fixtures/pattern-federation.js';
import { tempDir } from '../__fixtures__/tiny-run.js';
import { UsageError } from '../config/errors.js';
import { RunConfigSchema } from '../config/schema.js';
import type { RunData } from '../runtime/run-data.js';
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
    const compared = await compareRun(
      { config: config(join(dir, 'cmp')), configFile: undefined },
      ['fedavg', 'personal-head-avg'],
      io(runData),
    );
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
    const { runs } = await compareRun(
      { config: config(join(dir, 'cmp')), configFile: undefined },
      ['fedavg', 'personal-head-avg'],
      io(patternRunData()),
    );
    const summaries = runs.map((r) => JSON.parse(readFileSync(join(r.outcome.outDir, 'summary.json'), 'utf8')));
    expect(summaries.map((s) => s.config.strategy)).toEqual([
      { name: 'fedavg', options: {} },
      { name: 'personal-head-avg', options: { pmPredictor: 'model' } },
    ]);
    expect(runs.map((r) => r.outcome.outDir)).toEqual([join(dir, 'cmp', 'fedavg'), join(dir, 'cmp', 'personal-head-avg')]);
  });

  it('--seeds repeats each strategy over the seeds and reports mean ± std with the seed count, every variant in its own row', async () => {
    const dir = tempDir('compare-seeds');
    const seeds = [9, 1, 2];
    const { runs, outDir } = await compareRun(
      { config: config(join(dir, 'cmp')), configFile: undefined },
      ['fedavg', 'personal-head-avg'],
      io(patternRunData()),
      { seeds },
    );
    expect(runs.map((r) => `${r.strategy}/${r.seed}`)).toEqual([
      'fedavg/9',
      'fedavg/1',
      'fedavg/2',
      'personal-head-avg/9',
      'personal-head-avg/1',
      'personal-head-avg/2',
    ]);
    expect(runs.map((r) => r.outcome.outDir)).toEqual(runs.map((r) => join(dir, 'cmp', r.strategy, `seed-${r.seed}`)));
    const summaries = runs.map((r) => JSON.parse(readFileSync(join(r.outcome.outDir, 'summary.json'), 'utf8')));
    expect(summaries.map((s) => s.seed)).toEqual([9, 1, 2, 9, 1, 2]);

    // Mean and sample std of the three seeds' final GM, computed here from the summaries.
    const gm = summaries.slice(0, 3).map((s) => s.final.gm.acc as number);
    expect(new Set(gm).size).toBeGreaterThan(1); // the seeds really differ
    const mean = gm.reduce((a, b) => a + b, 0) / 3;
    const std = Math.sqrt(gm.reduce((a, x) => a + (x - mean) ** 2, 0) / 2);
    const csv = readFileSync(join(outDir, 'compare.csv'), 'utf8').trim().split('\n').map(csvFields);
    const header = csv[0]!;
    const row = (strategy: string, variant: string) => {
      const fields = csv.find((f) => f[0] === strategy && f[1] === variant);
      expect(fields, `${strategy} / ${variant}`).toBeDefined();
      return Object.fromEntries(header.map((h, i) => [h, fields![i]]));
    };
    const fedavg = row('fedavg', 'headline');
    expect(fedavg['seeds']).toBe('3');
    expect(fedavg['pm_masking']).toBe('unmasked');
    expect(Number(fedavg['last_gm_all'])).toBeCloseTo(mean, 12);
    expect(Number(fedavg['last_gm_all_std'])).toBeCloseTo(std, 12);
    // The masked PM of each strategy is a row of its own, labelled, with its seeds.
    const maskedPm = summaries.slice(3).map((s) => s.final.pmMasked.acc as number);
    const personalMasked = row('personal-head-avg', 'PM personal, masked');
    expect(personalMasked['pm_masking']).toBe('masked');
    expect(personalMasked['seeds']).toBe('3');
    expect(Number(personalMasked['last_pm_all'])).toBeCloseTo(maskedPm.reduce((a, b) => a + b, 0) / 3, 12);

    const md = readFileSync(join(outDir, 'compare.md'), 'utf8');
    expect(md).toMatch(/seeds 9, 1, 2 \(3 runs per strategy\)/);
    expect(md).toContain(`| fedavg | headline | 3 | 3 | ${(100 * mean).toFixed(2)} ± ${(100 * std).toFixed(2)} |`);
    const html = readFileSync(join(outDir, 'report.html'), 'utf8');
    expect(html).toContain('personal-head-avg (seed 2)');
    expect(html).toMatch(/<td class="seeds">3<\/td>/);
  });

  it('says loudly, in compare.md, summary.json and the report, when a strategy runs scaled down from the paper', async () => {
    const dir = tempDir('compare-scaled');
    const small = { featuresPerClass: 5, matchSteps: 10, retrainEpochs: 5, gradientDraws: 1 };
    const { runs, outDir } = await compareRun(
      { config: { ...config(join(dir, 'cmp')), strategy: { name: 'creff', options: small } }, configFile: undefined },
      ['creff'],
      io(patternRunData()),
    );
    const note =
      'CReFF runs with featuresPerClass 5 (official 100), gradientDraws 1 (official 10), matchSteps 10 (official 100), ' +
      "retrainEpochs 5 (official 300); its numbers are not the paper's setting.";
    expect(JSON.parse(readFileSync(join(runs[0]!.outcome.outDir, 'summary.json'), 'utf8')).scaledDown).toBe(note);
    expect(readFileSync(join(outDir, 'compare.md'), 'utf8')).toContain(`**creff: scaled down for speed.** ${note}`);
    expect(readFileSync(join(outDir, 'report.html'), 'utf8')).toContain('creff: SCALED DOWN FOR SPEED');
    expect(readFileSync(join(runs[0]!.outcome.outDir, 'report.html'), 'utf8')).toContain('SCALED DOWN FOR SPEED');
  });

  it('--variants headline keeps one row per strategy', async () => {
    const dir = tempDir('compare-headline');
    const { outDir } = await compareRun(
      { config: config(join(dir, 'cmp')), configFile: undefined },
      ['fedavg', 'personal-head-avg'],
      io(patternRunData()),
      { variants: false },
    );
    const csv = readFileSync(join(outDir, 'compare.csv'), 'utf8').trim().split('\n');
    expect(csv.slice(1).map((l) => l.split(',').slice(0, 2).join(','))).toEqual(['fedavg,headline', 'personal-head-avg,headline']);
  });

  it("--variants <strategy>=<variant> puts the chosen variant in that strategy's headline row", async () => {
    const dir = tempDir('compare-chosen');
    const { runs, outDir } = await compareRun(
      { config: config(join(dir, 'cmp')), configFile: undefined },
      ['fedavg', 'personal-head-avg'],
      io(patternRunData()),
      { variants: false, chosen: { fedavg: ['pm/global'] } },
    );
    const csv = readFileSync(join(outDir, 'compare.csv'), 'utf8').trim().split('\n').map(csvFields);
    const header = csv[0]!;
    const fields = Object.fromEntries(header.map((h, i) => [h, csv[1]![i]]));
    // FedAvg's own headline PM is the unmasked one; the chosen masked PM replaces it, the GM stays.
    expect(fields).toMatchObject({ strategy: 'fedavg', variant: 'PM global, masked', pm_masking: 'masked' });
    const final = runs[0]!.outcome.result.final;
    expect(Number(fields['last_pm_all'])).toBe(final.pmMasked.acc);
    expect(Number(fields['last_gm_all'])).toBe(final.gm.acc);
    expect(csv[2]!.slice(0, 2)).toEqual(['personal-head-avg', 'headline']);
  });

  it('--variants refuses a strategy that is not compared before training, and an unreported variant after its run', async () => {
    const dir = tempDir('compare-chosen-bad');
    const run = (chosen: Record<string, string[]>) =>
      compareRun({ config: config(join(dir, 'cmp')), configFile: undefined }, ['fedavg', 'personal-head-avg'], io(patternRunData()), {
        chosen,
      });
    await expect(run({ fedloge: ['ga-fr'] })).rejects.toThrow(
      /--variants names 'fedloge', which --strategies does not list \(fedavg, personal-head-avg\)/,
    );
    const error: unknown = await run({ fedavg: ['ga-fr'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(/--variants fedavg=ga-fr: fedavg reported no such variant; its variants are global/);
  });
});

/** The fields of one RFC 4180 CSV line. */
function csvFields(line: string): string[] {
  return [...line.matchAll(/(?:^|,)("(?:[^"]|"")*"|[^,]*)/g)].map((m) =>
    m[1]!.startsWith('"') ? m[1]!.slice(1, -1).replace(/""/g, '"') : m[1]!,
  );
}
