/**
 * The cuda backend's start-up self-test: a handful of its GPU kernels (GEMM across tile edges, a strided convolution
 * and both of its gradients, overlapping max pooling and its gradient, a broadcasting add, ReLU, reductions, softmax)
 * on small fixed inputs, compared with the cpu backend. `auto` picks cuda only when this passes, so a backend that
 * computes wrong numbers, or that cannot launch a kernel at all, is never made the default. It takes milliseconds.
 *
 * A kernel that ran on the CPU fallback instead of the GPU would match trivially, so the fallback counts of the
 * kernels exercised must not move.
 */
import * as tf from '@tensorflow/tfjs-core';

import type { CudaBackend } from './cuda-backend.js';

/** Kernels the self-test must run on the device (none of them may take the CPU fallback). */
export const SELF_TEST_KERNELS = [
  'BatchMatMul',
  'Conv2D',
  'Conv2DBackpropInput',
  'Conv2DBackpropFilter',
  'MaxPool',
  'MaxPoolGrad',
  'Add',
  'Multiply',
  'Relu',
  'Sum',
  'Mean',
  'Softmax',
] as const;

/**
 * Tolerance: TF32 keeps 10 mantissa bits (relative rounding 2⁻¹¹ per operand), and these GEMMs have K ≤ 100 terms of
 * magnitude ≤ 1, so an error above 1e-2 of the output's scale is a wrong kernel, not rounding.
 */
const RELATIVE_TOLERANCE = 1e-2;

/** Deterministic values in [-1, 1) (a 32-bit LCG): the same inputs on both backends and on every run. */
function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

type Case = { readonly name: string; readonly run: () => tf.Tensor[] };

const CASES: readonly Case[] = [
  {
    // 65 and 17 cross the 64-wide tiles; K = 100 is not a multiple of the 16-deep K tile.
    name: 'matMul 65×100 · 100×17',
    run: () => [tf.matMul(tf.tensor2d(values(6500, 1), [65, 100]), tf.tensor2d(values(1700, 2), [100, 17]))],
  },
  {
    name: 'matMul transposed, batch 3',
    run: () => [tf.matMul(tf.tensor3d(values(3 * 20 * 9, 3), [3, 20, 9]), tf.tensor3d(values(3 * 33 * 20, 4), [3, 33, 20]), true, true)],
  },
  {
    name: 'conv2d 3×3 stride 2 same, with dx and dW',
    run: () => {
      const x = tf.tensor4d(values(2 * 9 * 9 * 3, 5), [2, 9, 9, 3]);
      const w = tf.tensor4d(values(3 * 3 * 3 * 8, 6), [3, 3, 3, 8]);
      const dy = tf.tensor4d(values(2 * 5 * 5 * 8, 7), [2, 5, 5, 8]);
      const y = tf.conv2d(x, w, 2, 'same');
      const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same'), dy)),
      )([x, w]);
      return [y, dx!, dw!];
    },
  },
  {
    name: 'maxPool 3×3 stride 2 (overlapping) and its gradient',
    run: () => {
      const x = tf.tensor4d(values(2 * 7 * 7 * 4, 8), [2, 7, 7, 4]);
      const dy = tf.tensor4d(values(2 * 3 * 3 * 4, 9), [2, 3, 3, 4]);
      const y = tf.maxPool(x, 3, 2, 'valid');
      const [dx] = tf.grads((a: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, 3, 2, 'valid'), dy)))([x]);
      return [y, dx!];
    },
  },
  {
    name: 'relu(x + bias), sum and mean over axes, softmax',
    run: () => {
      const x = tf.tensor3d(values(4 * 6 * 37, 10), [4, 6, 37]);
      const h = tf.relu(tf.add(x, tf.tensor1d(values(37, 11))));
      return [h, tf.sum(h, [0, 2]), tf.mean(h, 1), tf.softmax(tf.reshape(h, [24, 37]))];
    },
  },
];

/** Each case's outputs on the active backend, as host arrays. */
function runCases(): Float32Array[][] {
  return CASES.map((c) =>
    tf
      .tidy(() => c.run())
      .map((t) => {
        const v = t.dataSync() as Float32Array;
        t.dispose();
        return Float32Array.from(v);
      }),
  );
}

/** Why `actual` is not `expected` within the tolerance (scaled by the largest |expected|), or null. */
function mismatch(actual: Float32Array, expected: Float32Array): string | null {
  if (actual.length !== expected.length) return `${actual.length} values where the cpu backend gives ${expected.length}`;
  let scale = 1e-6;
  for (const e of expected) scale = Math.max(scale, Math.abs(e));
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!,
      e = expected[i]!;
    if (!(Math.abs(a - e) <= RELATIVE_TOLERANCE * scale))
      return `element ${i} is ${a}, the cpu backend gives ${e} (scale ${scale.toPrecision(3)})`;
  }
  return null;
}

/**
 * Runs the self-test on `backendName` (already registered, e.g. 'cuda') against tfjs-cpu. Returns null when every
 * case agrees, else one line saying which case failed and how (a thrown CUDA error included). The active backend is
 * restored before it returns.
 */
export async function cudaSelfTest(backendName: string): Promise<string | null> {
  const previous = tf.getBackend();
  try {
    await tf.setBackend('cpu');
    const expected = runCases();
    if (!(await tf.setBackend(backendName))) return `tf.setBackend('${backendName}') failed`;
    const backend = tf.backend() as CudaBackend;
    const before = backend.fallbackCounts();
    let actual: Float32Array[][];
    try {
      actual = runCases();
    } catch (e) {
      return `a kernel failed: ${e instanceof Error ? e.message : String(e)}`;
    }
    const after = backend.fallbackCounts();
    const fellBack = SELF_TEST_KERNELS.filter((k) => (after[k] ?? 0) !== (before[k] ?? 0));
    if (fellBack.length > 0) return `${fellBack.join(', ')} ran on the CPU fallback instead of the device`;
    for (let c = 0; c < CASES.length; c++) {
      for (let o = 0; o < expected[c]!.length; o++) {
        const why = mismatch(actual[c]![o]!, expected[c]![o]!);
        if (why) return `${CASES[c]!.name}, output ${o}: ${why}`;
      }
    }
    return null;
  } finally {
    if (previous && tf.getBackend() !== previous) await tf.setBackend(previous);
  }
}
