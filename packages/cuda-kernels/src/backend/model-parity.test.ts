// Whole-model parity of the native backend: three SGD steps (momentum 0.5, weight decay 5e-4) of core's small CNN
// (Fashion-MNIST shape) and ResNet-8 (CIFAR shape) from identical weights and batches give the same weights and BN
// running statistics as the tfjs cpu backend, with a steady number of tensors and pooled buffers from step to step.
// Slow until the native conv/pool kernels land (minutes on a loaded machine: the stock tfjs-cpu MaxPoolGrad and conv
// backprops run on both sides), hence the long timeouts.
import * as tf from '@tensorflow/tfjs-core';
import {
  FED_BATCH_NORM_TRAIN,
  FED_SGD_MOMENTUM_UPDATE,
  LinearHead,
  RESNET8,
  ResNet,
  Rng,
  SGD,
  SmallCnn,
  crossEntropy,
  initBackend,
  minimize,
  registerBackendProvider,
  silentLogger,
} from '@fedloge/core';
import { describe, expect, it } from 'vitest';

import { maxRelativeError, nativeBackendAvailable, nativeSkipNote } from './__fixtures__/parity.js';
import type { NativeBackend } from './native-backend.js';
import { nativeBackendProvider } from './register.js';

type Shape3 = [number, number, number];

interface RunResult {
  readonly state: Record<string, Float32Array>;
  readonly losses: number[];
  readonly tensorsAfterStep: number[];
  readonly buffersAfterStep: number[];
  readonly kernels: Set<string>;
}

/** `steps` SGD steps of backbone + linear head on `backend`, from seeded weights and seeded batches. */
async function trainSteps(
  backend: 'cpu' | 'native',
  makeBackbone: () => SmallCnn | ResNet,
  inputShape: Shape3,
  batch: number,
  steps = 3,
): Promise<RunResult> {
  registerBackendProvider(nativeBackendProvider);
  await initBackend({ backend, logger: silentLogger(), threads: 2 });
  const net = makeBackbone();
  const head = new LinearHead({ inputDim: net.featureDim, numClasses: 10, rng: new Rng(7) });
  const opt = new SGD([...net.trainableVariables(), ...head.trainableVariables()], { lr: 0.05, momentum: 0.5, weightDecay: 5e-4 });
  const rng = new Rng(11);
  const size = batch * inputShape[0] * inputShape[1] * inputShape[2];
  const result: RunResult = { state: {}, losses: [], tensorsAfterStep: [], buffersAfterStep: [], kernels: new Set() };
  for (let step = 0; step < steps; step++) {
    const pixels = Float32Array.from({ length: size }, () => rng.normal());
    const labels = Int32Array.from({ length: batch }, () => rng.int(10));
    const x = tf.tensor4d(pixels, [batch, ...inputShape]);
    const y = tf.tensor1d(labels, 'int32');
    const profile = await tf.profile(() => {
      result.losses.push(minimize(opt, () => crossEntropy(head.apply(net.apply(x, 'train')), y)));
    });
    for (const k of profile.kernelNames) result.kernels.add(k);
    tf.dispose([x, y]);
    result.tensorsAfterStep.push(tf.memory().numTensors);
    if (backend === 'native') result.buffersAfterStep.push((tf.backend() as NativeBackend).nativeMemory().buffersInUse);
  }
  for (const [key, a] of Object.entries({ ...net.exportState(), ...head.exportState() })) result.state[key] = Float32Array.from(a.data);
  opt.dispose();
  net.dispose();
  head.dispose();
  return result;
}

function expectSameTraining(cpu: RunResult, native: RunResult): void {
  expect(cpu.kernels.has(FED_BATCH_NORM_TRAIN)).toBe(false);
  for (const k of [FED_BATCH_NORM_TRAIN, FED_SGD_MOMENTUM_UPDATE]) expect(native.kernels.has(k), k).toBe(true);
  expect(Object.keys(native.state).sort()).toEqual(Object.keys(cpu.state).sort());
  for (const [key, ref] of Object.entries(cpu.state)) {
    expect(maxRelativeError(native.state[key]!, ref), key).toBeLessThanOrEqual(1e-4);
  }
  native.losses.forEach((l, i) => expect(Math.abs(l - cpu.losses[i]!) / Math.abs(cpu.losses[i]!)).toBeLessThanOrEqual(1e-4));
  // The first step creates the momentum buffers; after it nothing may accumulate.
  expect(native.tensorsAfterStep.slice(1)).toEqual(native.tensorsAfterStep.slice(1).map(() => native.tensorsAfterStep[0]));
  expect(native.buffersAfterStep.slice(1)).toEqual(native.buffersAfterStep.slice(1).map(() => native.buffersAfterStep[0]));
}

describe(`whole-model parity, native vs cpu${nativeSkipNote}`, () => {
  it.skipIf(!nativeBackendAvailable)(
    'small CNN, Fashion-MNIST shape, B = 8: same weights after 3 SGD steps, no growth',
    async () => {
      const make = () => new SmallCnn([28, 28, 1], new Rng(3));
      const cpu = await trainSteps('cpu', make, [28, 28, 1], 8);
      const native = await trainSteps('native', make, [28, 28, 1], 8);
      expectSameTraining(cpu, native);
    },
    600_000,
  );

  it.skipIf(!nativeBackendAvailable)(
    'ResNet-8, CIFAR shape, B = 4: same weights after 3 SGD steps, no growth',
    async () => {
      const make = () => new ResNet('resnet8', RESNET8, [32, 32, 3], new Rng(5));
      const cpu = await trainSteps('cpu', make, [32, 32, 3], 4);
      const native = await trainSteps('native', make, [32, 32, 3], 4);
      expectSameTraining(cpu, native);
    },
    900_000,
  );
});
