// The fused SGD-momentum step of the native backend against core's composite SGD on the cpu backend: bit-for-bit
// equal weights, untouched inputs (clones share memory), no leaks, and JS errors for bad input.
import * as tf from '@tensorflow/tfjs-core';
import { FED_SGD_MOMENTUM_UPDATE as CORE_SGD, SGD } from '@fedloge/core';
import { describe, expect, it } from 'vitest';

import { nativeAddon } from '../../load.js';
import { nativeBackendAvailable, nativeSkipNote, randomTensor } from '../__fixtures__/parity.js';
import type { NativeBackend } from '../native-backend.js';
import { FED_SGD_MOMENTUM_UPDATE } from './fused-names.js';

const SHAPES = [[3, 3, 2, 4], [4], [5, 7]] as const;

/** Weights after `steps` SGD steps with deterministic gradients; variable 1 gets no gradient on step 0. */
async function train(backend: 'cpu' | 'native', momentum: number, weightDecay: number, steps = 3) {
  await tf.setBackend(backend);
  const vars = SHAPES.map((s, i) => tf.tidy(() => tf.variable(tf.tensor(randomTensor(s, 10 + i).values, [...s]))));
  const cloneOfFirst = tf.clone(vars[0]!);
  const original = Float32Array.from(cloneOfFirst.dataSync());
  const opt = new SGD(vars as unknown as never[], { lr: 0.1, momentum, weightDecay });
  const counts: number[] = [];
  const inUse: number[] = [];
  let kernels = new Set<string>();
  for (let step = 0; step < steps; step++) {
    const grads = new Map<tf.Variable, tf.Tensor>();
    vars.forEach((v, i) => {
      if (!(i === 1 && step === 0)) grads.set(v, tf.tensor(randomTensor(v.shape, 100 * step + i).values, v.shape));
    });
    const profile = await tf.profile(() => opt.step(grads as never));
    kernels = new Set([...kernels, ...profile.kernelNames]);
    for (const g of grads.values()) g.dispose();
    counts.push(tf.memory().numTensors);
    if (backend === 'native') inUse.push((tf.backend() as NativeBackend).pool.stats().buffersInUse);
  }
  const weights = vars.map((v) => Float32Array.from(v.dataSync()));
  const cloneAfter = Float32Array.from(cloneOfFirst.dataSync());
  opt.dispose();
  for (const v of [...vars, cloneOfFirst]) v.dispose();
  return { weights, original, cloneAfter, counts, inUse, kernels };
}

describe(`FedSgdMomentumUpdate on the native backend${nativeSkipNote}`, () => {
  it('uses the kernel name core declares', () => {
    expect(FED_SGD_MOMENTUM_UPDATE).toBe(CORE_SGD);
  });

  for (const [momentum, weightDecay] of [
    [0.5, 5e-4],
    [0.9, 0],
    [0, 5e-4],
  ] as const) {
    it.skipIf(!nativeBackendAvailable)(
      `equals core's composite SGD bit for bit (momentum ${momentum}, weight decay ${weightDecay})`,
      async () => {
        const cpu = await train('cpu', momentum, weightDecay);
        const native = await train('native', momentum, weightDecay);
        expect(cpu.kernels.has(FED_SGD_MOMENTUM_UPDATE)).toBe(false);
        expect(native.kernels.has(FED_SGD_MOMENTUM_UPDATE)).toBe(true);
        native.weights.forEach((w, i) => expect(Array.from(w), `variable ${i}`).toEqual(Array.from(cpu.weights[i]!)));
        // The step moved the weights, and a clone sharing the variable's initial memory kept its values.
        expect(Array.from(native.weights[0]!)).not.toEqual(Array.from(native.original));
        expect(Array.from(native.cloneAfter)).toEqual(Array.from(native.original));
        // Steady state: no tensor or pooled buffer more after step 3 than after step 2.
        expect(native.counts[2]).toBe(native.counts[1]);
        expect(native.inUse[2]).toBe(native.inUse[1]);
      },
    );
  }

  it.skipIf(!nativeBackendAvailable)('throws JS errors for mismatched tensors, in the binding and in the kernel', async () => {
    const addon = nativeAddon()!;
    const f = (n: number) => new Float32Array(n);
    expect(() => addon.sgdMomentumUpdate!([f(4)], [f(3)], null, 0.1, 0.5, 0, [f(4)], [f(4)])).toThrow(/gs/);
    expect(() => addon.sgdMomentumUpdate!([f(4)], [f(4)], [f(5)], 0.1, 0.5, 0, [f(4)], [f(4)])).toThrow(/vs/);
    expect(() => addon.sgdMomentumUpdate!([f(4)], [f(4)], null, 0.1, 0.5, 0, [f(4)], null)).toThrow(/vOuts is required/);
    expect(() => addon.sgdMomentumUpdate!([f(4), f(2)], [f(4)], null, 0.1, 0, 0, [f(4), f(2)], null)).toThrow(/gs has 1/);
    expect(() => addon.sgdMomentumUpdate!([f(4)], [new Int32Array(4) as unknown as Float32Array], null, 0.1, 0, 0, [f(4)], null)).toThrow(
      TypeError,
    );
    await tf.setBackend('native');
    const before = (tf.backend() as NativeBackend).pool.stats().buffersInUse;
    tf.tidy(() => {
      const attrs = { count: 1, lr: 0.1, momentum: 0.5, weightDecay: 0, firstStep: false };
      expect(() =>
        tf.engine().runKernel(FED_SGD_MOMENTUM_UPDATE, { w0: tf.zeros([3]), g0: tf.zeros([4]), v0: tf.zeros([3]) }, attrs),
      ).toThrow(/g0 \[4\] must have the shape of w0 \[3\]/);
      expect(() => tf.engine().runKernel(FED_SGD_MOMENTUM_UPDATE, { w0: tf.zeros([3]), g0: tf.zeros([3]) }, attrs)).toThrow(
        /missing input 'v0'/,
      );
    });
    expect((tf.backend() as NativeBackend).pool.stats().buffersInUse).toBe(before);
  });
});
