import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FASHION_MNIST_DIR, tempDir, writeTinyPartition } from '../__fixtures__/tiny-run.js';
import { runCli } from '../__fixtures__/run-cli.js';

const TINY = ['--clients', '3', '--clients-per-round', '2', '--rounds', '1', '--batch-size', '16', '--backend', 'wasm', '--workers', '0'];

describe('fedloge train: which data a run read', () => {
  it('records the files read, the integrity check they passed and where the partition came from in summary.json', async () => {
    const dir = tempDir('data-e2e');
    const partition = writeTinyPartition(dir, 3, 40);
    // A config file may keep its drawing settings; with a partition they are recorded as unused, not as used.
    writeFileSync(join(dir, 'cfg.json'), JSON.stringify({ dataset: { alpha: 0.3, imbalanceFactor: 0.02 } }));
    const { code, stderr } = await runCli(
      ['train', '--config', 'cfg.json', '--partition', 'tiny-partition.json', '--data-dir', FASHION_MNIST_DIR, ...TINY, '--out', 'out'],
      dir,
    );
    expect(code, stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(dir, 'out', 'summary.json'), 'utf8'));
    expect(summary.data.source.check).toBe('SHA-256 of the 4 decompressed files matches the official Fashion-MNIST release');
    const files: { path: string; records: number }[] = summary.data.source.files;
    expect(files.map((f) => [f.path.replace(/\.gz$/, ''), f.records])).toEqual([
      [join(FASHION_MNIST_DIR, 'train-images-idx3-ubyte'), 60000],
      [join(FASHION_MNIST_DIR, 'train-labels-idx1-ubyte'), 60000],
      [join(FASHION_MNIST_DIR, 't10k-images-idx3-ubyte'), 10000],
      [join(FASHION_MNIST_DIR, 't10k-labels-idx1-ubyte'), 10000],
    ]);
    expect(summary.data.partition).toEqual({
      from: 'file',
      file: partition,
      unusedSettings: {
        'dataset.imbalanceFactor': 0.02,
        'dataset.alpha': 0.3,
        'dataset.iid': false,
        'dataset.minClientSize': 1,
        'dataset.shardsPerClient': 2,
        'dataset.classesPerClient': 2,
        'dataset.classAssignment': 'first-deterministic',
      },
    });
  });

  it.each([
    [['--alpha', '0.1'], 'dataset.alpha: --alpha 0.1 has no effect together with partition'],
    [['--imbalance-factor', '0.1'], 'dataset.imbalanceFactor: --imbalance-factor 0.1 has no effect together with partition'],
    [['--iid'], 'dataset.iid: --iid true has no effect together with partition'],
  ])('refuses --partition with %j (exit 2, nothing written)', async (flags, message) => {
    const dir = tempDir('data-refused');
    writeTinyPartition(dir, 3, 40);
    const { code, stderr } = await runCli(['train', '--partition', 'tiny-partition.json', ...flags, ...TINY, '--out', 'out'], dir);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(stderr).toContain('drop the partition to draw a new split');
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('refuses a --data-dir that does not hold the data set instead of reading the system copy', async () => {
    const dir = tempDir('data-dir');
    mkdirSync(join(dir, 'empty'));
    const { code, stderr } = await runCli(['train', '--data-dir', 'empty', ...TINY, '--out', 'out'], dir);
    expect(code).not.toBe(0);
    expect(stderr).toContain(`--data-dir ${join(dir, 'empty')} does not hold Fashion-MNIST`);
  });
});
