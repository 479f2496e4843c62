// The cuda backend on a GPU: every parity case (the same list the fallback-only backend runs on every machine)
// against tfjs-cpu, in TF32 (the default on sm_80+, looser tolerance for GEMM/convolution cases) and in FP32; plus
// the device memory: buffers return to the caching allocator, out-of-memory is a JS error, nothing fell back for the
// kernels that have GPU versions. Skipped with the reason on machines without a usable device (this one).
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';

import { expectCaseParity, PARITY_CASES } from './__fixtures__/parity-cases.js';
import type { CudaBackend } from './cuda-backend.js';
import type { CudaBackendAddon } from './device.js';
import { cudaFallbackCounts, cudaRuntime, describeFallbacks, registerCudaBackend } from './register.js';

const runtime = cudaRuntime();
const available = 'addon' in runtime;
const note = available ? '' : ` (skipped: ${runtime.reason})`;
if (available) registerCudaBackend();

/** TF32 keeps 10 mantissa bits: products carry ~5e-4 relative error before accumulation. */
const TF32_TOLERANCE = 1e-2;

describe(`cuda backend parity with tfjs-cpu on the GPU${note}`, () => {
  afterAll(() => {
    if (available) {
      const line = describeFallbacks(cudaFallbackCounts());
      if (line) console.log(line);
    }
  });

  // On a machine that must have a GPU, a skipped suite would read as a pass.
  it.runIf(process.env['FEDKERN_REQUIRE_CUDA'] === '1')('has a usable device (FEDKERN_REQUIRE_CUDA=1)', () => {
    expect(available, `the cuda backend is unavailable${note}`).toBe(true);
  });

  for (const mode of ['tf32', 'fp32'] as const) {
    it.skipIf(!available).each(PARITY_CASES.map((c) => [c.name, c] as const))(`${mode}: %s`, async (_name, c) => {
      const addon = (runtime as { addon: CudaBackendAddon }).addon;
      const previous = addon.cudaSetTf32(mode === 'tf32');
      try {
        await expectCaseParity('cuda', c, mode === 'tf32' && c.tf32 ? TF32_TOLERANCE : (c.tolerance ?? 1e-4));
      } finally {
        addon.cudaSetTf32(previous);
      }
    });
  }

  it.skipIf(!available)('returns buffers to the caching allocator and reuses them', async () => {
    await tf.setBackend('cuda');
    const addon = (tf.backend() as CudaBackend).addon!;
    const step = () => tf.tidy(() => tf.sum(tf.relu(tf.matMul(tf.ones([64, 64]), tf.ones([64, 64])))).dataSync());
    step();
    const before = addon.cudaMemoryStats();
    step();
    const after = addon.cudaMemoryStats();
    expect(after.rawAllocations).toBe(before.rawAllocations);
    expect(after.liveHandles).toBe(before.liveHandles);
  });

  it.skipIf(!available)('out of device memory is a JS error, and the backend keeps working', async () => {
    await tf.setBackend('cuda');
    const addon = (tf.backend() as CudaBackend).addon!;
    const status = addon.cudaDeviceStatus();
    expect(() => addon.cudaAlloc(status.totalMemoryBytes * 2)).toThrow(/out of device memory/);
    expect(Array.from(tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(2)).dataSync()))).toEqual([3]);
  });

  it.skipIf(!available)('invalid calls are JS errors (unknown handle, buffer too small)', () => {
    const addon = (runtime as { addon: CudaBackendAddon }).addon;
    expect(() => addon.cudaFree(987654321)).toThrow(/unknown device buffer handle/);
    const small = addon.cudaAlloc(16);
    expect(() => addon.cudaUnary(0, small, small, 1000, 0, 0)).toThrow(/holds 16 bytes but 4000 are needed/);
    addon.cudaFree(small);
  });

  it.skipIf(!available)('the GPU kernels of a training step do not fall back', async () => {
    await tf.setBackend('cuda');
    const before = cudaFallbackCounts();
    tf.tidy(() => {
      const x = tf.randomNormal([8, 16, 16, 3]);
      const w = tf.variable(tf.randomNormal([3, 3, 3, 8]));
      const d = tf.variable(tf.randomNormal([8 * 8 * 8, 10]));
      const labels = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7], 'int32'), 10);
      tf.train.sgd(0.1).minimize(() => {
        const h = tf.maxPool(tf.relu(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same')), 2, 2, 'valid');
        return tf.losses.softmaxCrossEntropy(labels, tf.matMul(tf.reshape(h, [8, 512]), d)) as tf.Scalar;
      });
      w.dispose();
      d.dispose();
    });
    const after = cudaFallbackCounts();
    for (const name of [
      'Conv2D',
      'Conv2DBackpropFilter',
      'Conv2DBackpropInput',
      'MaxPool',
      'MaxPoolGrad',
      'BatchMatMul',
      'Relu',
      'Softmax',
      'Sum',
    ]) {
      expect(after[name] ?? 0, name).toBe(before[name] ?? 0);
    }
  });
});
