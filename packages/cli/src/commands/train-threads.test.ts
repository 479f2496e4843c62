// The thread count a run chooses reaches the native backend, the start line and summary.json (runtime/threads.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '@fedloge/core';

import { FASHION_MNIST_DIR, tempDir, tinyPartition, writeTinyPartition } from '../__fixtures__/tiny-run.js';
import { runCli } from '../__fixtures__/run-cli.js';
import { spawnCli } from '../__fixtures__/spawn-cli.js';
import { validateConfig } from '../config/validate.js';
import { clientRuntimeSpec } from '../runtime/runtime-spec.js';
import { WorkerThreadExecutor } from '../workers/worker-executor.js';
import { startClient, startServer, stopAll, type Spawned } from '../network/__fixtures__/federation.js';

const saved = process.env['OMP_NUM_THREADS'];
afterEach(() => {
  if (saved === undefined) delete process.env['OMP_NUM_THREADS'];
  else process.env['OMP_NUM_THREADS'] = saved;
});

/** A native run (on the main thread unless `extra` says otherwise); its start lines, summary.json's `threads`, metrics. */
async function tinyNativeRun(extra: string[], rounds = 1): Promise<{ stderr: string; threads: unknown; metrics: unknown[] }> {
  const dir = tempDir('threads');
  writeTinyPartition(dir, 2, 44);
  const args = [
    'train',
    '--partition',
    'tiny-partition.json',
    '--data-dir',
    FASHION_MNIST_DIR,
    '--clients',
    '2',
    '--clients-per-round',
    '2',
  ];
  args.push('--rounds', String(rounds), '--batch-size', '16', '--backend', 'native', '--workers', '0', '--out', 'out', ...extra);
  const { code, stderr } = await runCli(args, dir);
  expect(code, stderr).toBe(0);
  const metrics = readFileSync(join(dir, 'out', 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => withoutTimings(JSON.parse(line)));
  return { stderr, threads: JSON.parse(readFileSync(join(dir, 'out', 'summary.json'), 'utf8')).threads, metrics };
}

/** A metrics record without its wall-clock fields (`seconds`, `trainSeconds`, …), which no two runs share. */
function withoutTimings(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutTimings);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !/seconds/i.test(key))
      .map(([key, v]) => [key, withoutTimings(v)]),
  );
}

describe('fedloge train: threads', () => {
  it('honours OMP_NUM_THREADS when neither --threads nor threads: is given', async () => {
    process.env['OMP_NUM_THREADS'] = '1';
    const { stderr, threads } = await tinyNativeRun([]);
    expect(stderr).toMatch(/^backend: native \(oneDNN [\d.]+, 1 thread,/m);
    expect(stderr).toMatch(/^threads: 1 per training thread \(from OMP_NUM_THREADS\)$/m);
    expect(threads).toEqual({ threads: 1, source: 'OMP_NUM_THREADS' });
  });

  it('lets --threads override OMP_NUM_THREADS', async () => {
    process.env['OMP_NUM_THREADS'] = '1';
    const { stderr, threads } = await tinyNativeRun(['--threads', '2']);
    expect(stderr).toMatch(/^backend: native \(oneDNN [\d.]+, 2 threads,/m);
    expect(stderr).toMatch(/^threads: 2 per training thread \(from --threads \/ threads:\)$/m);
    expect(threads).toEqual({ threads: 2, source: 'threads setting' });
  });

  it('gives the same metrics on a worker thread as on the main thread at the same thread count, and says how to match', async () => {
    delete process.env['OMP_NUM_THREADS'];
    const inline = await tinyNativeRun(['--threads', '1'], 2);
    const onWorker = await tinyNativeRun(['--workers', '1'], 2);
    expect(onWorker.threads).toEqual({ threads: 1, source: 'default' });
    expect(onWorker.stderr).toMatch(
      /^threads: 1 per training thread \(default: one per worker thread; a --workers 0 run gives the same numbers with --threads 1\)$/m,
    );
    expect(onWorker.metrics).toHaveLength(2);
    expect(onWorker.metrics).toEqual(inline.metrics);
  });

  it("trains a network client's worker with the thread count in the server's spec", async () => {
    const config = validateConfig({
      dataset: { dataDir: FASHION_MNIST_DIR, download: false },
      clients: { total: 2, perRound: 2 },
      backend: 'native',
    });
    // As fedloge client starts it: no thread count of its own, the run's in the spec.
    const spec = clientRuntimeSpec(config, tinyPartition(2, 8), process.cwd(), 2);
    const executor = await WorkerThreadExecutor.start({ size: 1, init: { spec, backend: 'native' }, logger: silentLogger() });
    try {
      expect(executor.backends[0]?.detail).toMatch(/^oneDNN [\d.]+, 2 threads,/);
    } finally {
      await executor.dispose();
    }
  });

  it("gives a network client the server's thread count, so a native federation matches the in-process run", async () => {
    delete process.env['OMP_NUM_THREADS'];
    const dir = tempDir('threads-net');
    writeTinyPartition(dir, 2, 44);
    const run = (out: string) => [
      ...['--partition', 'tiny-partition.json', '--data-dir', FASHION_MNIST_DIR, '--clients', '2', '--clients-per-round', '2'],
      ...['--rounds', '2', '--batch-size', '16', '--backend', 'native', '--workers', '0', '--threads', '2', '--out', out],
    ];
    // The built CLI, as the server and client run it: both sides of the comparison from the same build.
    const inline = await spawnCli(['train', ...run('inproc')], dir).exited;
    expect(inline.code, inline.stderr).toBe(0);
    const clients: Spawned[] = [];
    try {
      const server = await startServer(run('network'), dir);
      // The client is given no thread count: without the server's it would train on 1 thread and differ.
      clients.push(startClient(server.port, '0-1', join(dir, 'c0'), dir));
      const { code, stderr } = await server.exited;
      expect(code, stderr).toBe(0);
    } finally {
      await stopAll(clients);
    }
    const metrics = (out: string) =>
      readFileSync(join(dir, out, 'metrics.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((line) => withoutTimings(JSON.parse(line)));
    expect(metrics('network')).toHaveLength(2);
    expect(metrics('network')).toEqual(metrics('inproc'));
  });
});
