// The thread count a run chooses reaches the native backend, the start line and summary.json (run/threads.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

import { FASHION_MNIST_DIR, tempDir, writeTinyPartition } from '../__fixtures__/tiny-run.js';
import { runCli } from '../__fixtures__/run-cli.js';

const saved = process.env['OMP_NUM_THREADS'];
afterEach(() => {
  if (saved === undefined) delete process.env['OMP_NUM_THREADS'];
  else process.env['OMP_NUM_THREADS'] = saved;
});

/** A one-round native run on the main thread; its start lines and summary.json's `threads`. */
async function tinyNativeRun(extra: string[]): Promise<{ stderr: string; threads: unknown }> {
  const dir = tempDir('threads');
  writeTinyPartition(dir, 2, 24);
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
  args.push('--rounds', '1', '--batch-size', '8', '--backend', 'native', '--workers', '0', '--out', 'out', ...extra);
  const { code, stderr } = await runCli(args, dir);
  expect(code, stderr).toBe(0);
  return { stderr, threads: JSON.parse(readFileSync(join(dir, 'out', 'summary.json'), 'utf8')).threads };
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
});
