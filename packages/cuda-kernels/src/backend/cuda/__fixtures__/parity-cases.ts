// The parity cases of the `cuda` backend: tfjs programs run on `cpu` (the reference) and on a cuda backend over
// identical inputs. The same list runs on the GPU (cuda-parity.test.ts, skipped without a device) and on the
// fallback-only backend over host memory (cuda-backend.test.ts), so every case is exercised on every machine.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients'; // the cases differentiate
import { maxRelativeError, randomTensor, type HostTensor } from '../../__fixtures__/host-tensor.js';

export interface ParityCase {
  readonly name: string;
  readonly inputs: readonly HostTensor[];
  readonly program: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[];
  /** Relative tolerance (max |a − b| / max(1, |b|)); TF32 convolutions and GEMMs need more than FP32. */
  readonly tolerance?: number;
  /** Whether the result goes through GEMMs / convolutions (TF32 on sm_80+). */
  readonly tf32?: boolean;
}

const conv = (strides: number, pad: 'same' | 'valid') => (x: tf.Tensor, w: tf.Tensor) =>
  tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, strides, pad);

/** Gradients of Σ conv(x, w)·r with respect to x and w: the backward-data and backward-filter kernels. */
const convGrads = (strides: number, pad: 'same' | 'valid') => (x: tf.Tensor, w: tf.Tensor, r: tf.Tensor) => {
  const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(strides, pad)(a, b), r)));
  return g([x, w]);
};

export const PARITY_CASES: readonly ParityCase[] = [
  {
    name: 'unary ops',
    inputs: [randomTensor([7, 33], 1, 3)],
    program: (x) => [tf.relu(x!), tf.exp(x!), tf.tanh(x!), tf.sigmoid(x!), tf.neg(x!), tf.abs(x!), tf.square(x!), tf.step(x!)],
  },
  {
    name: 'log / sqrt of positives',
    inputs: [randomTensor([5, 9], 2)],
    program: (x) => {
      const p = tf.add(tf.abs(x!), 0.1);
      return [tf.log(p), tf.sqrt(p), tf.rsqrt(p), tf.reciprocal(p)];
    },
  },
  {
    name: 'binary ops with broadcasting',
    inputs: [randomTensor([4, 1, 6], 3), randomTensor([5, 1], 4), randomTensor([6], 5)],
    program: (a, b, c) => [
      tf.add(a!, b!),
      tf.sub(b!, a!),
      tf.mul(a!, c!),
      tf.div(a!, tf.add(tf.abs(c!), 1)),
      tf.maximum(a!, b!),
      tf.squaredDifference(a!, c!),
    ],
  },
  {
    name: 'comparisons',
    inputs: [randomTensor([3, 4], 6), randomTensor([4], 7)],
    program: (a, b) => [tf.cast(tf.greater(a!, b!), 'float32'), tf.cast(tf.lessEqual(a!, b!), 'float32')],
  },
  {
    name: 'reductions over axes',
    inputs: [randomTensor([3, 4, 5, 6], 8)],
    program: (x) => [tf.sum(x!), tf.sum(x!, 0), tf.mean(x!, [1, 2]), tf.max(x!, -1), tf.min(x!, [0, 3]), tf.sum(x!, [0, 1, 2], true)],
  },
  { name: 'long-row reduction', inputs: [randomTensor([2, 5000], 9)], program: (x) => [tf.sum(x!, 1), tf.max(x!, 1)] },
  {
    name: 'matMul with transposes',
    inputs: [randomTensor([37, 19], 10), randomTensor([19, 70], 11), randomTensor([70, 37], 12)],
    program: (a, b, c) => [
      tf.matMul(a!, b!),
      tf.matMul(a!, c!, true, true),
      tf.matMul(b!, a!, true, true),
      tf.matMul(c!, c!, true, false),
      tf.matMul(a!, a!, false, true),
    ],
    tf32: true,
  },
  {
    name: 'batched matMul with a broadcast batch',
    inputs: [randomTensor([3, 5, 8], 13), randomTensor([1, 8, 4], 14)],
    program: (a, b) => tf.matMul(a!, b!),
    tf32: true,
  },
  {
    name: 'dense layer forward and gradients',
    inputs: [randomTensor([16, 30], 15), randomTensor([30, 10], 16), randomTensor([10], 17)],
    program: (x, w, b) =>
      tf.grads((xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.relu(tf.add(tf.matMul(xx, ww), bb))))([x!, w!, b!]),
    tf32: true,
  },
  {
    name: 'conv2d 3×3 same stride 1',
    inputs: [randomTensor([2, 9, 7, 3], 18), randomTensor([3, 3, 3, 5], 19)],
    program: (x, w) => conv(1, 'same')(x!, w!),
    tf32: true,
  },
  {
    name: 'conv2d 3×3 same stride 2 (odd sizes)',
    inputs: [randomTensor([2, 9, 7, 3], 20), randomTensor([3, 3, 3, 4], 21)],
    program: (x, w) => conv(2, 'same')(x!, w!),
    tf32: true,
  },
  {
    name: 'conv2d 5×5 valid stride 2',
    inputs: [randomTensor([1, 11, 12, 2], 22), randomTensor([5, 5, 2, 3], 23)],
    program: (x, w) => conv(2, 'valid')(x!, w!),
    tf32: true,
  },
  {
    name: 'conv2d gradients, same stride 1',
    inputs: [randomTensor([2, 7, 7, 3], 24), randomTensor([3, 3, 3, 4], 25), randomTensor([2, 7, 7, 4], 26)],
    program: (x, w, r) => convGrads(1, 'same')(x!, w!, r!),
    tf32: true,
  },
  {
    name: 'conv2d gradients, same stride 2',
    inputs: [randomTensor([2, 9, 7, 3], 27), randomTensor([3, 3, 3, 4], 28), randomTensor([2, 5, 4, 4], 29)],
    program: (x, w, r) => convGrads(2, 'same')(x!, w!, r!),
    tf32: true,
  },
  {
    name: 'conv2d gradients, valid stride 2',
    inputs: [randomTensor([1, 11, 12, 2], 30), randomTensor([5, 5, 2, 3], 31), randomTensor([1, 4, 4, 3], 32)],
    program: (x, w, r) => convGrads(2, 'valid')(x!, w!, r!),
    tf32: true,
  },
  {
    name: 'max pool forward and gradient',
    inputs: [randomTensor([2, 9, 8, 3], 33), randomTensor([2, 5, 4, 3], 34)],
    program: (x, r) => {
      const f = (a: tf.Tensor) => tf.maxPool(a as tf.Tensor4D, 3, 2, 'same');
      return [f(x!), tf.grad((a: tf.Tensor) => tf.sum(tf.mul(f(a), r!)))(x!)];
    },
  },
  { name: 'softmax and log-softmax', inputs: [randomTensor([6, 10], 35, 4)], program: (x) => [tf.softmax(x!), tf.logSoftmax(x!)] },
  {
    name: 'transpose, slice, concat, reshape',
    inputs: [randomTensor([3, 4, 5], 36)],
    program: (x) => [
      tf.transpose(x!, [2, 0, 1]),
      tf.slice(x!, [1, 0, 2], [2, 3, 2]),
      tf.concat([x!, x!], 1),
      tf.reshape(x!, [12, 5]),
      tf.concat([x!, tf.neg(x!)], 2),
    ],
  },
  {
    name: 'tile, broadcastTo, pad',
    inputs: [randomTensor([2, 1, 3], 43)],
    program: (x) => [
      tf.tile(x!, [2, 3, 1]),
      tf.broadcastTo(x!, [4, 2, 5, 3]),
      tf.pad(
        x!,
        [
          [1, 0],
          [0, 2],
          [1, 1],
        ],
        0.5,
      ),
    ],
  },
  {
    name: 'batch norm: moments, normalisation with scale and offset, and its gradients',
    inputs: [randomTensor([4, 3, 3, 5], 40, 2), randomTensor([5], 41), randomTensor([5], 42)],
    program: (x, gamma, beta) => {
      const bn = (xx: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
        const { mean, variance } = tf.moments(xx, [0, 1, 2]);
        return tf.batchNorm(xx, mean, variance, b, g, 1e-3);
      };
      return [
        bn(x!, gamma!, beta!),
        ...tf.grads((xx: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(bn(xx, g, b))))([x!, gamma!, beta!]),
      ];
    },
  },
  {
    name: 'a small CNN training step (cross-entropy gradients)',
    inputs: [randomTensor([4, 8, 8, 2], 37), randomTensor([3, 3, 2, 4], 38, 0.5), randomTensor([64, 3], 39, 0.2)],
    program: (x, w, d) => {
      const labels = tf.oneHot(tf.tensor1d([0, 2, 1, 2], 'int32'), 3);
      const loss = (ww: tf.Tensor, dd: tf.Tensor) => {
        const h = tf.maxPool(tf.relu(tf.conv2d(x! as tf.Tensor4D, ww as tf.Tensor4D, 1, 'same')), 2, 2, 'valid');
        const logits = tf.matMul(tf.reshape(h, [4, 64]), dd);
        return tf.losses.softmaxCrossEntropy(labels, logits);
      };
      return [loss(w!, d!), ...tf.grads(loss)([w!, d!])];
    },
    tf32: true,
  },
];

/** Runs `program` on `backend` with `inputs`; returns every output's values and shape, disposes all. */
export async function runOn(
  backend: string,
  inputs: readonly HostTensor[],
  program: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
): Promise<{ values: Float32Array[]; shapes: number[][] }> {
  if (!(await tf.setBackend(backend))) throw new Error(`tf.setBackend('${backend}') failed`);
  return tf.tidy(() => {
    const xs = inputs.map((h) => tf.tensor(h.values, [...h.shape], h.dtype ?? 'float32'));
    const out = program(...xs);
    const list = Array.isArray(out) ? out : [out];
    return { values: list.map((t) => Float32Array.from(t.dataSync())), shapes: list.map((t) => [...t.shape]) };
  });
}

/** What differs between `backend` and cpu on a case: shapes, or outputs beyond `tolerance`; empty when they agree. */
export async function caseMismatches(backend: string, c: ParityCase, tolerance = c.tolerance ?? 1e-4): Promise<string[]> {
  const reference = await runOn('cpu', c.inputs, c.program);
  const actual = await runOn(backend, c.inputs, c.program);
  if (JSON.stringify(actual.shapes) !== JSON.stringify(reference.shapes))
    return [`${c.name}: shapes ${JSON.stringify(actual.shapes)}, the cpu backend gives ${JSON.stringify(reference.shapes)}`];
  const problems: string[] = [];
  reference.values.forEach((ref, i) => {
    const error = maxRelativeError(actual.values[i]!, ref);
    if (!(error <= tolerance)) problems.push(`${c.name}: output ${i} differs by ${error} (tolerance ${tolerance})`);
  });
  return problems;
}

/** Runs a case on cpu and on `backend`; throws, naming each output that differs, unless they agree within tolerance. */
export async function expectCaseParity(backend: string, c: ParityCase, tolerance = c.tolerance ?? 1e-4): Promise<void> {
  const problems = await caseMismatches(backend, c, tolerance);
  if (problems.length > 0) throw new Error(problems.join('\n'));
}
