/**
 * A second SIGINT/SIGTERM does not wait for the round in progress: the process exits at once with
 * 128 + the signal's number. (The first signal's graceful stop is tested with its resume in
 * train-resume.test.ts.)
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FASHION_MNIST_DIR, tempDir, writeTinyPartition } from '../__fixtures__/tiny-run.js';
import { spawnCli, waitForFile } from '../__fixtures__/spawn-cli.js';

describe('fedloge train and signals', () => {
  // On the main thread (--workers 0) training is synchronous; the signal is seen between clients.
  it('a second SIGTERM exits at once with 143, before the round in progress ends (main-thread training)', async () => {
    const dir = tempDir('signals');
    writeTinyPartition(dir, 3, 40);
    const out = join(dir, 'out');
    const run = spawnCli(
      [
        'train',
        '--partition',
        join(dir, 'tiny-partition.json'),
        '--data-dir',
        FASHION_MNIST_DIR,
        '--clients',
        '3',
        '--clients-per-round',
        '2',
        '--rounds',
        '5',
        '--batch-size',
        '16',
        '--backend',
        'wasm',
        '--workers',
        '0',
        '--out',
        out,
      ],
      dir,
    );
    await waitForFile(join(out, 'checkpoints', 'round-00001.ckpt'), 300_000, run.exited);
    run.child.kill('SIGTERM');
    while (!run.stderr().includes('SIGTERM: stopping after the round in progress')) await new Promise((r) => setTimeout(r, 10));
    run.child.kill('SIGTERM');
    const exited = await run.exited;
    expect(exited.code, exited.stderr).toBe(143);
    expect(exited.stderr).toContain('SIGTERM again: exiting now, without waiting for the round in progress.');
    // Every round is evaluated (seconds on the full test set): the round in progress never finished.
    expect(existsSync(join(out, 'summary.json'))).toBe(false);
  }, 600_000);
});
