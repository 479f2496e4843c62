import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../engine/backend.js';
import { silentLogger } from '../logger.js';
import { Rng } from '../random.js';
import { LinearHead, linearHeadPlugin } from './linear-head.js';

describe('LinearHead', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', logger: silentLogger() });
  });

  it('has weight [C, d] and bias [C] from U(±1/√d), and computes f·Wᵀ + b', () => {
    const head = linearHeadPlugin.create({ inputDim: 5, numClasses: 3, rng: new Rng(7) }, {});
    expect(head).toBeInstanceOf(LinearHead);
    const state = head.exportState();
    expect(Object.keys(state).sort()).toEqual(['bias', 'weight']);
    expect(state['weight']!.shape).toEqual([3, 5]);
    expect(state['bias']!.shape).toEqual([3]);
    for (const v of [...state['weight']!.data, ...state['bias']!.data]) expect(Math.abs(v)).toBeLessThanOrEqual(1 / Math.sqrt(5));

    const f = [
      [1, 2, 3, 4, 5],
      [-1, 0, 0.5, 0, 2],
    ];
    const logits = tf.tidy(() => head.apply(tf.tensor2d(f)).arraySync());
    const W = state['weight']!.data;
    const b = state['bias']!.data;
    for (let i = 0; i < 2; i++) {
      for (let c = 0; c < 3; c++) {
        let z = b[c]!;
        for (let j = 0; j < 5; j++) z += f[i]![j]! * W[c * 5 + j]!;
        expect(logits[i]![c]).toBeCloseTo(z, 5);
      }
    }
    head.dispose();
  });

  it('rejects features of the wrong width with the expected shape', () => {
    const head = new LinearHead({ inputDim: 4, numClasses: 2, rng: new Rng(1) });
    expect(() => tf.tidy(() => head.apply(tf.zeros([3, 5])))).toThrow('expected features of shape [batch, 4] but received [3, 5]');
    head.dispose();
  });

  it('rejects unknown options', () => {
    expect(linearHeadPlugin.options!.safeParse({ hidden: 3 }).success).toBe(false);
  });
});
