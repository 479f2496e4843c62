import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ArrayRecord } from '../arrays.js';
import { initBackend } from '../engine/backend.js';
import { silentLogger } from '../logger.js';
import { Rng } from '../random.js';
import { BatchNorm2d } from './batch-norm.js';
import { Conv2d } from './conv2d.js';
import { ParameterSet } from './parameter-set.js';

function tinyModule(seed = 1): ParameterSet {
  const m = new ParameterSet('tiny');
  new Conv2d(m, 'conv1', { inChannels: 2, outChannels: 3, kernelSize: 3 }, new Rng(seed));
  new BatchNorm2d(m, 'bn1', { channels: 3 });
  return m;
}

describe('ParameterSet', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', logger: silentLogger() });
  });

  it('names params and buffers by state key and exports copies', () => {
    const m = tinyModule();
    expect([...m.params.keys()]).toEqual(['conv1.weight', 'bn1.gamma', 'bn1.beta']);
    expect([...m.buffers.keys()]).toEqual(['bn1.runningMean', 'bn1.runningVar']);
    expect(m.params.get('conv1.weight')!.trainable).toBe(true);
    expect(m.buffers.get('bn1.runningVar')!.trainable).toBe(false);
    const state = m.exportState();
    expect(state['conv1.weight']!.shape).toEqual([3, 3, 2, 3]);
    state['bn1.gamma']!.data[0] = 42; // a copy: the module must not change
    expect(m.params.get('bn1.gamma')!.dataSync()[0]).toBe(1);
    m.dispose();
  });

  it('round-trips state between two modules, ignoring extra keys', () => {
    const a = tinyModule(1);
    const b = tinyModule(2);
    expect(b.exportState()['conv1.weight']!.data).not.toEqual(a.exportState()['conv1.weight']!.data);
    b.loadState({ ...a.exportState(), 'head.weight': { shape: [1], data: new Float32Array(1) } });
    expect(b.exportState()).toEqual(a.exportState());
    a.dispose();
    b.dispose();
  });

  // Each row must fail and leave the module unchanged.
  const badStates: [string, (s: ArrayRecord) => ArrayRecord, RegExp][] = [
    ['a missing buffer', ({ 'bn1.runningVar': _, ...rest }) => rest, /tiny\.loadState: missing key 'bn1\.runningVar' \(shape \[3\]\)/],
    [
      'a transposed weight',
      (s) => ({ ...s, 'conv1.weight': { shape: [3, 3, 3, 2], data: s['conv1.weight']!.data } }),
      /'conv1\.weight' has shape \[3, 3, 3, 2\] but \[3, 3, 2, 3\] was expected/,
    ],
    [
      'a rank mismatch',
      (s) => ({ ...s, 'bn1.gamma': { shape: [3, 1], data: s['bn1.gamma']!.data } }),
      /'bn1\.gamma' has shape \[3, 1\] but \[3\] was expected/,
    ],
    [
      'data shorter than its shape',
      (s) => ({ ...s, 'bn1.beta': { shape: [3], data: new Float32Array(2) } }),
      /'bn1\.beta' holds 2 values but its shape \[3\] needs 3/,
    ],
  ];
  it.each(badStates)('rejects %s, naming the key', (_why, corrupt, message) => {
    const m = tinyModule();
    const good = m.exportState();
    const corrupted = corrupt({ ...good, 'bn1.runningMean': { shape: [3], data: new Float32Array([7, 7, 7]) } });
    expect(() => m.loadState(corrupted)).toThrow(message);
    expect(m.exportState()).toEqual(good);
    m.dispose();
  });

  it('gives every instance unique tfjs variable names and frees them on dispose', () => {
    const before = tf.memory().numTensors;
    const a = tinyModule();
    const b = tinyModule();
    expect(a.params.get('conv1.weight')!.name).not.toBe(b.params.get('conv1.weight')!.name);
    expect(tf.memory().numTensors).toBe(before + 10);
    a.dispose();
    b.dispose();
    a.dispose(); // idempotent
    expect(tf.memory().numTensors).toBe(before);
    expect(() => a.exportState()).toThrow('tiny.exportState: the module was disposed');
  });

  it('draws conv weights from U(±1/√fan_in) (PyTorch default)', () => {
    const m = new ParameterSet('init');
    new Conv2d(m, 'c', { inChannels: 16, outChannels: 64, kernelSize: 3 }, new Rng(5));
    const w = m.exportState()['c.weight']!.data;
    const bound = 1 / Math.sqrt(16 * 9);
    let max = 0;
    let sumSq = 0;
    for (const v of w) {
      max = Math.max(max, Math.abs(v));
      sumSq += v * v;
    }
    expect(max).toBeLessThanOrEqual(bound);
    expect(max).toBeGreaterThan(0.99 * bound);
    // Var of U(−b, b) is b²/3; 9216 draws put the estimate within a few percent.
    expect(sumSq / w.length / ((bound * bound) / 3)).toBeCloseTo(1, 1);
    m.dispose();
  });
});
