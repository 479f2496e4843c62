import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MINI_TRAIN_COUNTS,
  writeImageNetLtMiniature,
  type ImageNetLtMiniature,
} from '../../../datasets/src/__fixtures__/image-miniature.js';
import { runCli } from '../__fixtures__/run-cli.js';

// 32-pixel crops of a 36-pixel cache, three clients, one round: seconds on two cores.
const TINY = ['--clients', '3', '--clients-per-round', '2', '--rounds', '1', '--batch-size', '32', '--backend', 'wasm', '--workers', '0'];

describe('fedloge train on ImageNet-LT (generated miniature)', () => {
  let mini: ImageNetLtMiniature;

  beforeAll(async () => {
    mini = await writeImageNetLtMiniature();
  });

  afterAll(() => rmSync(mini.root, { recursive: true, force: true }));

  const train = (strategy: string, model: string, out: string) =>
    runCli(
      [
        'train',
        '--dataset',
        'imagenet-lt',
        '--data-dir',
        mini.root,
        '--image-resolution',
        '36',
        '--image-size',
        '32',
        '--image-cache',
        'cache',
        '--strategy',
        strategy,
        '--model',
        model,
        ...TINY,
        '--out',
        out,
      ],
      mini.root,
    );

  it.each([
    ['fedavg', 'resnet8'],
    ['fedloge', 'resnet8'],
  ])('trains one round of %s (%s) on the whole long-tailed train split, decoding the images once', async (strategy, model) => {
    const first = strategy === 'fedavg';
    const { code, stderr } = await train(strategy, model, `out-${strategy}`);
    expect(code, stderr).toBe(0);
    // The first run decodes (plain progress lines off a TTY); the second finds the complete cache.
    if (first) expect(stderr).toContain(`decoding train images: ${mini.train.length}/${mini.train.length} (0 failed)`);
    else expect(stderr).not.toContain('decoding');
    expect(stderr).toContain(`data: imagenet-lt, ${mini.train.length} training images over 3 clients (its own long tail, Dirichlet α=0.5)`);
    const summary = JSON.parse(readFileSync(join(mini.root, `out-${strategy}`, 'summary.json'), 'utf8'));
    expect(summary.config.model.name).toBe(model);
    expect(summary.data.classCounts).toEqual(MINI_TRAIN_COUNTS);
    expect(summary.data.source.check).toContain('ImageNet-LT list files');
    expect(summary.final.round).toBe(1);
    expect(summary.final.gm.acc).toBeGreaterThanOrEqual(0);
  });
});
