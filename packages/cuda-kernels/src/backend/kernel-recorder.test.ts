import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { recordKernels } from './kernel-recorder.js';

/** Busy-waits `ms` milliseconds: a kernel with a known minimum duration. */
function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

describe('recordKernels', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
    // Two kernels of 100 ms each, the outer one running the inner one through the engine (as core's wasm shims do).
    tf.registerKernel({
      kernelName: 'RecorderTestInner',
      backendName: 'cpu',
      kernelFunc: ({ inputs, backend }) => {
        spin(100);
        return (backend as unknown as { makeTensorInfo(s: number[], d: string, v: Float32Array): tf.TensorInfo }).makeTensorInfo(
          [],
          'float32',
          Float32Array.of(inputs.x!.shape.length),
        );
      },
    });
    tf.registerKernel({
      kernelName: 'RecorderTestOuter',
      backendName: 'cpu',
      kernelFunc: ({ inputs }) => {
        spin(100);
        return tf.engine().runKernel('RecorderTestInner', { x: inputs.x as tf.Tensor }) as tf.TensorInfo;
      },
    });
  });
  afterAll(() => {
    tf.unregisterKernel('RecorderTestOuter', 'cpu');
    tf.unregisterKernel('RecorderTestInner', 'cpu');
  });

  it('counts each kernel call by name, and stop() puts the original kernels back', () => {
    const original = tf.getKernel('MatMul', 'cpu') ?? tf.getKernel('BatchMatMul', 'cpu');
    const recorder = recordKernels('cpu');
    tf.tidy(() => {
      const a = tf.tensor2d([1, 2, 3, 4], [2, 2]);
      tf.add(a, a);
      tf.add(a, a);
      tf.matMul(a, a);
    });
    recorder.stop();
    expect(recorder.kernels.get('Add')?.calls).toBe(2);
    expect(recorder.kernels.get('BatchMatMul')?.calls).toBe(1);
    expect(tf.getKernel(original!.kernelName, 'cpu')!.kernelFunc).toBe(original!.kernelFunc);
    tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(2)));
    expect(recorder.kernels.get('Add')?.calls).toBe(2); // nothing recorded after stop
  });

  it('gives a kernel its own time: a nested kernel call counts for the inner kernel only', () => {
    const recorder = recordKernels('cpu');
    const t0 = performance.now();
    tf.tidy(() => tf.engine().runKernel('RecorderTestOuter', { x: tf.scalar(1) }));
    const wall = performance.now() - t0;
    recorder.stop();
    const outer = recorder.kernels.get('RecorderTestOuter')!;
    const inner = recorder.kernels.get('RecorderTestInner')!;
    expect([outer.calls, inner.calls]).toEqual([1, 1]);
    expect(inner.ms).toBeGreaterThanOrEqual(100);
    // Own time ≈ 100 ms; with the inner call included it would be ≥ 200 ms.
    expect(outer.ms).toBeGreaterThanOrEqual(100);
    expect(outer.ms).toBeLessThan(180);
    expect(outer.ms + inner.ms).toBeLessThanOrEqual(wall);
  });

  it('reset() forgets the counts; an unknown backend is an error that says what to do', () => {
    const recorder = recordKernels('cpu');
    tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(2)));
    recorder.reset();
    expect(recorder.kernels.size).toBe(0);
    recorder.stop();
    expect(() => recordKernels('no-such-backend')).toThrow(
      /no kernels are registered for backend 'no-such-backend'; register the backend first/,
    );
  });
});
