/**
 * The ImageNet ResNets against an independent PyTorch forward pass (test/torch/imagenet_resnet.py)
 * with the same weights: features in eval mode (running statistics) and train mode (batch
 * statistics), at an odd size (40 px: 20 → 10 → 10, 5, 3, 2) so the padding arithmetic matters.
 * Full-width stages (64 … 512 channels) with fewer blocks keep the weights quick to ship to Python.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { ImageNetResNet, Rng, initBackend, silentLogger, type ArrayRecord, type ImageNetResNetConfig } from '@fedloge/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  PYTHON,
  fromJsonArray,
  recordToJson,
  relativeDifference,
  toJsonArray,
  torchUnavailable,
  type JsonArray,
} from './torch-reference.js';

const SCRIPT = fileURLToPath(new URL('./imagenet_resnet.py', import.meta.url));
const unavailable = torchUnavailable();

const MODELS: Record<string, ImageNetResNetConfig> = {
  // resnet18-imagenet has [2, 2, 2, 2] basic blocks.
  basic: { block: 'basic', blocks: [1, 1, 1, 1] },
  // resnet50-imagenet has [3, 4, 6, 3] bottleneck blocks; two in the first stages cover the identity shortcut.
  bottleneck: { block: 'bottleneck', blocks: [2, 2, 1, 1] },
};

type Features = Record<'eval' | 'train', { shape: number[]; data: Float32Array }>;

/** The state with BN statistics and affine parameters drawn at random, so eval mode is not the identity. */
function randomizedBatchNorm(state: ArrayRecord, rng: Rng): ArrayRecord {
  const out: ArrayRecord = {};
  for (const [key, entry] of Object.entries(state)) {
    const draw = (f: () => number) => ({ shape: entry.shape, data: Float32Array.from(entry.data, f) });
    if (key.endsWith('.runningMean') || key.endsWith('.beta')) out[key] = draw(() => 0.2 * rng.normal());
    else if (key.endsWith('.runningVar') || key.endsWith('.gamma')) out[key] = draw(() => 0.5 + rng.float());
    else out[key] = entry;
  }
  return out;
}

describe.skipIf(unavailable !== undefined)(`ImageNet ResNets vs PyTorch${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  const ours: Record<string, Features> = {};
  const torch: Record<string, Features> = {};

  beforeAll(async () => {
    await initBackend({ backend: 'wasm', logger: silentLogger() });
    const rng = new Rng(3);
    const pixels = Float32Array.from({ length: 2 * 40 * 40 * 3 }, () => rng.normal());
    const x = tf.tensor4d(pixels, [2, 40, 40, 3]);
    const models = Object.entries(MODELS).map(([name, config]) => {
      const net = new ImageNetResNet(name, config, [40, 40, 3], new Rng(1));
      net.loadState(randomizedBatchNorm(net.exportState(), new Rng(2)));
      // The state before the train-mode pass, which updates the running statistics.
      const state = recordToJson(net.exportState());
      const run = (mode: 'eval' | 'train') => {
        const f = tf.tidy(() => net.apply(x, mode));
        const out = { shape: f.shape, data: f.dataSync() as Float32Array };
        f.dispose();
        return out;
      };
      ours[name] = { eval: run('eval'), train: run('train') };
      net.dispose();
      return { block: config.block, blocks: config.blocks, state };
    });
    x.dispose();
    const input = JSON.stringify({ x: toJsonArray([2, 40, 40, 3], pixels), models });
    const run = spawnSync(PYTHON, [SCRIPT], { input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (run.status !== 0) throw new Error(`${SCRIPT} failed (exit ${run.status}):\n${run.stderr}`);
    const answers = JSON.parse(run.stdout) as Record<'eval' | 'train', JsonArray>[];
    Object.keys(MODELS).forEach((name, i) => {
      torch[name] = { eval: fromJsonArray(answers[i]!.eval), train: fromJsonArray(answers[i]!.train) };
    });
  });

  it.each(Object.keys(MODELS))('%s blocks: the same features as PyTorch in eval and train mode', (name) => {
    for (const mode of ['eval', 'train'] as const) {
      expect(ours[name]![mode].shape).toEqual(torch[name]![mode].shape);
      expect(relativeDifference(ours[name]![mode].data, torch[name]![mode].data), mode).toBeLessThan(1e-4);
    }
  });
});
