/**
 * Runs that survive: a run killed mid-way and resumed with `--resume` writes the same
 * metrics.jsonl (timings aside) and ends with the same model as one uninterrupted run, on the
 * main thread and on worker threads. FedLoGe over FedAvgM, so the checkpoint must carry the local
 * heads (client state store) and the server momentum for the numbers to match.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { decodeCheckpoint } from '@fedloge/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { FASHION_MNIST_DIR, tempDir, writeTinyPartition } from '../__fixtures__/tiny-run.js';
import { runCli } from '../__fixtures__/run-cli.js';
import { spawnCli, waitForFile } from '../__fixtures__/spawn-cli.js';

const ROUNDS = 3;

/** The run every test repeats: 3 rounds, evaluated after rounds 2 and 3. */
function runArgs(dir: string, out: string, workers: number): string[] {
  return [
    'train',
    '--partition',
    join(dir, 'tiny-partition.json'),
    '--data-dir',
    FASHION_MNIST_DIR,
    '--clients',
    '4',
    '--clients-per-round',
    '2',
    '--rounds',
    String(ROUNDS),
    '--eval-every',
    '2',
    '--batch-size',
    '16',
    '--backend',
    'wasm',
    '--seed',
    '5',
    '--strategy',
    'fedloge',
    '--kernels',
    'tfjs',
    '--aggregator',
    'fedavgm',
    '--workers',
    String(workers),
    '--out',
    out,
  ];
}

/** metrics.jsonl without the timings, which no two runs share. */
function untimedMetrics(out: string): unknown[] {
  return readFileSync(join(out, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const { trainSeconds: _t, evalSeconds: _e, clients, ...rest } = JSON.parse(line);
      return { ...rest, clients: clients.map(({ seconds: _s, ...c }: { seconds: number }) => c) };
    });
}

/** The newest checkpoint of a run folder, decoded. */
function lastCheckpoint(out: string) {
  const dir = join(out, 'checkpoints');
  const names = readdirSync(dir).sort();
  return decodeCheckpoint(readFileSync(join(dir, names[names.length - 1]!)), names[names.length - 1]!);
}

describe('fedloge train --resume', () => {
  let dir: string;
  let whole: string;
  beforeAll(async () => {
    dir = tempDir('resume');
    writeTinyPartition(dir, 4, 40);
    whole = join(dir, 'whole');
    const { code, stderr } = await runCli(runArgs(dir, whole, 0), dir);
    expect(code, stderr).toBe(0);
  }, 600_000);

  it('checkpoints the global model, the local heads and the server momentum, keeping only the last', () => {
    expect(readdirSync(join(whole, 'checkpoints'))).toEqual(['round-00003.ckpt']);
    const { checkpoint, meta } = lastCheckpoint(whole);
    expect(checkpoint.round).toBe(ROUNDS);
    expect(Object.keys(checkpoint.clientStates).some((k) => /^\d+\/local\./.test(k))).toBe(true);
    expect(Object.keys(checkpoint.aggregatorState ?? {}).some((k) => k.startsWith('momentum/'))).toBe(true);
    const m = meta as { configHash: string; records: { round: number }[]; rng: { seed: number } };
    expect(m.configHash).toMatch(/^[0-9a-f]{64}$/);
    expect(m.records.map((r) => r.round)).toEqual([1, 2, 3]);
    expect(m.rng.seed).toBe(5);
  });

  it('a run killed after a checkpoint and resumed matches the uninterrupted run (main thread)', async () => {
    const out = join(dir, 'killed');
    const run = spawnCli(runArgs(dir, out, 0), dir);
    await waitForFile(join(out, 'checkpoints', 'round-00001.ckpt'), 300_000, run.exited);
    run.child.kill('SIGKILL');
    const killed = await run.exited;
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    const resumedFrom = lastCheckpoint(out).checkpoint.round;
    expect(resumedFrom).toBeLessThan(ROUNDS);

    const { code, stderr } = await runCli(['train', '--resume', out], dir);
    expect(code, stderr).toBe(0);
    expect(stderr).toContain(`resume: from ${join(out, 'checkpoints', `round-0000${resumedFrom}.ckpt`)}`);
    expect(untimedMetrics(out)).toEqual(untimedMetrics(whole));
    expect(lastCheckpoint(out).checkpoint.global).toEqual(lastCheckpoint(whole).checkpoint.global);
    expect(lastCheckpoint(out).checkpoint.clientStates).toEqual(lastCheckpoint(whole).checkpoint.clientStates);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    const reference = JSON.parse(readFileSync(join(whole, 'summary.json'), 'utf8'));
    expect(summary.final).toEqual(reference.final);
    expect(summary.best).toEqual(reference.best);
    expect(summary.resumedAfter).toEqual([resumedFrom]);
    expect(summary.interrupted).toBeNull();
    expect(readdirSync(out).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  }, 600_000);

  it('SIGINT on worker threads stops after the round in progress, writes summary.json and exits 130; the resume matches', async () => {
    const out = join(dir, 'sigint');
    const run = spawnCli(runArgs(dir, out, 2), dir);
    await waitForFile(join(out, 'checkpoints', 'round-00001.ckpt'), 300_000, run.exited);
    run.child.kill('SIGINT');
    const stopped = await run.exited;
    expect(stopped.code, stopped.stderr).toBe(130);
    expect(stopped.stderr).toMatch(/SIGINT: stopping after the round in progress/);
    expect(stopped.stderr).toContain(`Resume with: fedloge train --resume ${out}`);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    const round = summary.interrupted.afterRound as number;
    expect(summary.interrupted).toEqual({ signal: 'SIGINT', afterRound: round, resumeWith: `fedloge train --resume ${out}` });
    expect(round).toBeGreaterThanOrEqual(1);
    expect(round).toBeLessThan(ROUNDS);
    // A checkpoint of the last completed round is there whatever --checkpoint-every says.
    expect(lastCheckpoint(out).checkpoint.round).toBe(round);
    // Rounds 2 and 3 are evaluated: a stop after round 2 reports it as final.
    if (round === 2) expect(summary.final.round).toBe(2);
    else expect(summary.final).toBeNull();

    const { code, stderr } = await runCli(['train', '--resume', out], dir);
    expect(code, stderr).toBe(0);
    expect(untimedMetrics(out)).toEqual(untimedMetrics(whole));
    expect(lastCheckpoint(out).checkpoint.global).toEqual(lastCheckpoint(whole).checkpoint.global);
    const resumed = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(resumed.interrupted).toBeNull();
    expect(resumed.workers).toBe(2);
    expect(resumed.final).toEqual(JSON.parse(readFileSync(join(whole, 'summary.json'), 'utf8')).final);
  }, 600_000);

  it('refuses a resume whose config differs, naming the keys, and leaves the run as it was', async () => {
    const out = join(dir, 'whole');
    const before = readFileSync(join(out, 'metrics.jsonl'), 'utf8');
    const { code, stderr } = await runCli(['train', '--resume', out, '--lr', '0.1', '--seed', '6', '--workers', '1'], dir);
    expect(code).toBe(2);
    expect(stderr).toMatch(/Cannot resume .*whole: the config differs/);
    expect(stderr).toMatch(/seed: 5 → 6/);
    expect(stderr).toMatch(/train\.lr: 0\.03 → 0\.1/);
    expect(stderr).not.toMatch(/^\s*- workers/m);
    expect(readFileSync(join(out, 'metrics.jsonl'), 'utf8')).toBe(before);
  });

  it('finds nothing to do in a run that has completed all its rounds, and refuses a folder without checkpoints', async () => {
    const before = readFileSync(join(whole, 'metrics.jsonl'), 'utf8');
    const done = await runCli(['train', '--resume', whole], dir);
    expect(done.stderr).toMatch(/already completed all 3 rounds; nothing to resume/);
    expect(done.code).toBe(0);
    expect(readFileSync(join(whole, 'metrics.jsonl'), 'utf8')).toBe(before);
    const empty = tempDir('no-checkpoint');
    const { code, stderr } = await runCli(['train', '--resume', empty], dir);
    expect(code).toBe(2);
    expect(stderr).toMatch(/no checkpoint in .*checkpoints/);
  });
});
