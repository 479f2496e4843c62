/**
 * The library entry point against the command line: the same config gives the same run folder and
 * the same numbers as `fedloge train`; bad settings are refused with the CLI's messages before
 * anything is written; `onRound` sees every round, `signal` stops the run; and the example in
 * packages/cli/examples/library runs as documented.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger, type RoundRecord } from '@fedloge/core';
import { FASHION_MNIST_DIR, tempDir, writeTinyPartition } from '../__fixtures__/tiny-run.js';
import { runCli } from '../__fixtures__/run-cli.js';
import { ConfigError } from '../config/errors.js';
import { TrainInterrupted } from '../run/train-run.js';
import { runFederation } from './run-federation.js';
// @ts-expect-error: plain JavaScript example without type declarations
import { compareLabelSmoothing, handBuilt } from '../../examples/library/run-federation.mjs';
// @ts-expect-error: plain JavaScript example without type declarations
import labelSmoothing from '../../examples/plugins/fedavg-label-smoothing.mjs';

/** A tiny run: 3 clients of 40 Fashion-MNIST images, 2 rounds, evaluated after the last. */
function tinyConfig(dir: string) {
  return {
    dataset: { dataDir: FASHION_MNIST_DIR },
    partition: writeTinyPartition(dir, 3, 40),
    clients: { total: 3, perRound: 2 },
    rounds: 2,
    evalEvery: 2,
    train: { batchSize: 16 },
    backend: 'wasm' as const,
    workers: 0,
  };
}

/** The numbers of metrics.jsonl, without wall times. */
function metricsOf(folder: string): unknown[] {
  return readFileSync(join(folder, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const {
        trainSeconds: _t,
        evalSeconds: _e,
        clients,
        ...rest
      } = JSON.parse(line) as Record<string, unknown> & { clients: { seconds: number }[] };
      return { ...rest, clients: clients.map(({ seconds: _s, ...c }) => c) };
    });
}

describe('runFederation', () => {
  it('writes what `fedloge train` writes, with the same numbers, and returns metrics and trained state', async () => {
    const dir = tempDir('library');
    const config = tinyConfig(dir);
    const rounds: RoundRecord[] = [];
    const outcome = await runFederation(
      { ...config, out: 'lib' },
      { cwd: dir, logger: silentLogger(), onRound: (r) => void rounds.push(r) },
    );

    const cli = await runCli(
      [
        'train',
        '--partition',
        config.partition,
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
        '--out',
        'cli',
      ],
      dir,
    );
    expect(cli.code, cli.stderr).toBe(0);

    expect(outcome.outDir).toBe(join(dir, 'lib'));
    expect(readdirSync(outcome.outDir).sort()).toEqual(readdirSync(join(dir, 'cli')).sort());
    expect(metricsOf(outcome.outDir)).toEqual(metricsOf(join(dir, 'cli')));
    // Defaults are the CLI's.
    expect(outcome.config.strategy).toEqual({ name: 'fedavg', options: {} });
    expect(outcome.config.train).toEqual({ localEpochs: 1, batchSize: 16, lr: 0.03, momentum: 0.5, weightDecay: 0 });

    expect(rounds.map((r) => r.round)).toEqual([1, 2]);
    expect(outcome.metrics.final.gm.acc).toBe(rounds[1]!.gm!.acc);
    const summary = JSON.parse(readFileSync(join(outcome.outDir, 'summary.json'), 'utf8')) as { final: { gm: { acc: number } } };
    expect(summary.final.gm.acc).toBe(outcome.metrics.final.gm.acc);
    // The trained global state: the CNN's backbone and linear head, changed by training.
    expect(Object.keys(outcome.global)).toEqual(expect.arrayContaining(['head.weight', 'head.bias']));
    expect(outcome.global['head.weight']!.shape[0]).toBe(10);
    expect(outcome.clientStates.clientIds()).toEqual([]); // FedAvg keeps no personal state
  });

  it('refuses bad settings with the CLI messages, before writing anything', async () => {
    const dir = tempDir('library-bad');
    const run = runFederation({ ...tinyConfig(dir), rounds: 0, out: 'never' }, { cwd: dir });
    await expect(run).rejects.toThrow(ConfigError);
    await expect(run).rejects.toThrow(/rounds: received 0; expected a number >= 1/);
    await expect(runFederation({ ...tinyConfig(dir), strategy: { name: 'fedavgg' }, out: 'never' }, { cwd: dir })).rejects.toThrow(
      /strategy: Unknown strategy 'fedavgg'. Did you mean 'fedavg'\? Registered strategy plugins: .*fedavg,/,
    );
    await expect(runFederation({ ...tinyConfig(dir), dataset: { name: 'mnist' }, out: 'never' }, { cwd: dir })).rejects.toThrow(
      /dataset: Unknown dataset 'mnist'\. Did you mean 'fashion-mnist'\? Registered dataset plugins: cifar10, cifar100, fashion-mnist, image-list, imagenet-lt, inat2018\./,
    );
    await expect(
      runFederation(
        { ...tinyConfig(dir), strategy: { name: 'fedavg-ls' }, workers: 2, out: 'never' },
        { cwd: dir, plugins: [labelSmoothing] },
      ),
    ).rejects.toThrow(/workers: 2 cannot be used with plugin objects passed in memory \(strategy 'fedavg-ls'\)/);
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });

  it('stops after the round in progress when the signal is aborted, leaving a resumable folder', async () => {
    const dir = tempDir('library-abort');
    const stop = new AbortController();
    const run = runFederation(
      { ...tinyConfig(dir), out: 'stopped' },
      { cwd: dir, logger: silentLogger(), signal: stop.signal, onRound: () => stop.abort('SIGINT') },
    );
    await expect(run).rejects.toBeInstanceOf(TrainInterrupted);
    await expect(run).rejects.toMatchObject({ round: 1, signal: 'SIGINT' });
    expect(readdirSync(join(dir, 'stopped', 'checkpoints'))).toEqual(['round-00001.ckpt']);
  });
});

describe('the library example', () => {
  it('trains an in-memory plugin strategy and FedProx, reporting each round', async () => {
    const dir = tempDir('library-example');
    const lines: string[] = [];
    const finals = (await compareLabelSmoothing(
      { ...tinyConfig(dir), out: join(dir, 'runs') },
      { log: (line: string) => lines.push(line) },
    )) as Record<string, { gm: number; pm: number; arrays: number }>;
    expect(Object.keys(finals)).toEqual(['fedavg-ls', 'fedprox']);
    for (const name of ['fedavg-ls', 'fedprox']) {
      expect(lines.filter((l) => l.startsWith(`${name} round `))).toHaveLength(2);
      const summary = JSON.parse(readFileSync(join(dir, 'runs', name, 'summary.json'), 'utf8')) as {
        strategy: string;
        final: { gm: { acc: number } };
      };
      expect(summary.strategy).toBe(name);
      expect(finals[name]!.gm).toBe(summary.final.gm.acc);
    }
    expect(handBuilt.summary()).toEqual({ strategy: 'fedprox', options: { mu: 0.1, proxForm: 'sqL2/2' }, aggregator: 'fedavg' });
  });
});
