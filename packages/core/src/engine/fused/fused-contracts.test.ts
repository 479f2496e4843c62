// Core's side of the fused-kernel contracts, without any native addon: plain-JS reference kernels (written from the
// contract's formulas, float64 for batch norm, float32 rounding per operation for SGD) are registered for the cpu
// backend, and core's fused paths (the batch-norm gradient registration, SGD's grouping and velocity bookkeeping) must
// give what the composite paths gave before registration.
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import { initBackend } from '../backend.js';
import { silentLogger } from '../../logger.js';
import { batchNormTrain } from '../../nn/batch-norm-train.js';
import { Rng } from '../../random.js';
import { SGD } from '../../train/sgd.js';
import {
  FED_BATCH_NORM_TRAIN,
  FED_BATCH_NORM_TRAIN_GRAD,
  FED_SGD_MOMENTUM_UPDATE,
  type FedBatchNormTrainAttrs,
  type FedSgdMomentumUpdateAttrs,
} from './kernel-names.js';

type CpuLike = {
  data: { get(id: tf.DataId): { values: Float32Array } };
  makeTensorInfo(s: number[], d: string, v: Float32Array): tf.TensorInfo;
};
const vals = (b: unknown, t: tf.TensorInfo) => (b as CpuLike).data.get(t.dataId).values;
const out = (b: unknown, shape: number[], v: Float32Array) => (b as CpuLike).makeTensorInfo(shape, 'float32', v);

/** Per column of the [m, c] view: mean and biased variance, in float64. */
function stats(x: Float32Array, c: number): { mean: Float64Array; variance: Float64Array } {
  const m = x.length / c;
  const mean = new Float64Array(c);
  const variance = new Float64Array(c);
  for (let i = 0; i < x.length; i++) mean[i % c]! += x[i]! / m;
  for (let i = 0; i < x.length; i++) variance[i % c]! += (x[i]! - mean[i % c]!) ** 2 / m;
  return { mean, variance };
}

const referenceKernels: tf.KernelConfig[] = [
  {
    kernelName: FED_BATCH_NORM_TRAIN,
    backendName: 'cpu',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, gamma, beta } = inputs as Record<string, tf.TensorInfo>;
      const { epsilon } = attrs as unknown as FedBatchNormTrainAttrs;
      const c = x!.shape.at(-1)!;
      const [xv, gv, bv] = [x!, gamma!, beta!].map((t) => vals(backend, t));
      const { mean, variance } = stats(xv!, c);
      const y = xv!.map((v, i) => ((v - mean[i % c]!) / Math.sqrt(variance[i % c]! + epsilon)) * gv![i % c]! + bv![i % c]!);
      return [out(backend, [...x!.shape], y), out(backend, [c], Float32Array.from(mean)), out(backend, [c], Float32Array.from(variance))];
    },
  },
  {
    kernelName: FED_BATCH_NORM_TRAIN_GRAD,
    backendName: 'cpu',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { dy, x, gamma, mean, variance } = inputs as Record<string, tf.TensorInfo>;
      const { epsilon } = attrs as unknown as FedBatchNormTrainAttrs;
      const c = x!.shape.at(-1)!;
      const [dyv, xv, gv, mv, vv] = [dy!, x!, gamma!, mean!, variance!].map((t) => vals(backend, t));
      const m = xv!.length / c;
      const inv = Array.from(vv!, (v) => 1 / Math.sqrt(v + epsilon));
      const xHat = Array.from(xv!, (v, i) => (v - mv![i % c]!) * inv[i % c]!);
      const dBeta = new Float64Array(c);
      const dGamma = new Float64Array(c);
      dyv!.forEach((d, i) => {
        dBeta[i % c]! += d;
        dGamma[i % c]! += d * xHat[i]!;
      });
      const dx = dyv!.map((d, i) => gv![i % c]! * inv[i % c]! * (d - dBeta[i % c]! / m - (xHat[i]! * dGamma[i % c]!) / m));
      return [out(backend, [...x!.shape], dx), out(backend, [c], Float32Array.from(dGamma)), out(backend, [c], Float32Array.from(dBeta))];
    },
  },
  {
    kernelName: FED_SGD_MOMENTUM_UPDATE,
    backendName: 'cpu',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { count, lr, momentum, weightDecay, firstStep } = attrs as unknown as FedSgdMomentumUpdateAttrs;
      const f = Math.fround;
      const named = inputs as Record<string, tf.TensorInfo>;
      const ws: tf.TensorInfo[] = [];
      const vs: tf.TensorInfo[] = [];
      for (let i = 0; i < count; i++) {
        const [w, g, v] = ['w', 'g', 'v'].map((k) => named[`${k}${i}`]);
        const [wv, gv] = [vals(backend, w!), vals(backend, g!)];
        const vv = momentum && !firstStep ? vals(backend, v!) : null;
        const d = gv.map((gi, j) => (weightDecay ? f(gi + f(wv[j]! * f(weightDecay))) : gi));
        const next = momentum ? d.map((di, j) => (vv ? f(f(vv[j]! * f(momentum)) + di) : di)) : d;
        ws.push(
          out(
            backend,
            [...w!.shape],
            wv.map((wi, j) => f(wi - f(next[j]! * f(lr)))),
          ),
        );
        if (momentum) vs.push(out(backend, [...w!.shape], next));
      }
      return [...ws, ...vs];
    },
  },
];

function register(): void {
  for (const k of referenceKernels) tf.registerKernel(k);
}
function unregister(): void {
  for (const k of referenceKernels) if (tf.getKernel(k.kernelName, 'cpu')) tf.unregisterKernel(k.kernelName, 'cpu');
}

function randomArray(rng: Rng, n: number): Float32Array {
  return Float32Array.from({ length: n }, () => rng.normal());
}

describe('fused kernel contracts, through plain-JS reference kernels on cpu', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu', logger: silentLogger() });
  });
  afterEach(unregister);

  it('batchNormTrain: the fused path (with its registered gradient) equals the composite path', async () => {
    const rng = new Rng(1);
    const shape: [number, number, number, number] = [2, 3, 4, 5];
    const n = 2 * 3 * 4 * 5;
    const [xd, gd, bd, rd] = [
      randomArray(rng.derive('x'), n),
      randomArray(rng.derive('g'), 5),
      randomArray(rng.derive('b'), 5),
      randomArray(rng.derive('r'), n),
    ];
    const run = async () => {
      let values: Float32Array[] = [];
      const before = tf.memory().numTensors;
      const profile = await tf.profile(() => {
        tf.tidy(() => {
          const [x, g, b, r] = [tf.tensor4d(xd, shape), tf.tensor1d(gd), tf.tensor1d(bd), tf.tensor4d(rd, shape)];
          const stats: tf.Tensor[] = [];
          const loss = (xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => {
            const res = batchNormTrain(xx as tf.Tensor4D, gg as tf.Tensor1D, bb as tf.Tensor1D, 1e-5);
            stats.push(res.mean, res.variance);
            return tf.sum(tf.mul(res.y, r!));
          };
          const { value, grads } = tf.valueAndGrads(loss)([x!, g!, b!]);
          values = [value, ...stats, ...grads].map((t) => Float32Array.from(t.dataSync()));
          tf.dispose(stats);
        });
      });
      expect(tf.memory().numTensors).toBe(before);
      return { values, kernels: profile.kernelNames };
    };
    const composite = await run();
    register();
    const fused = await run();
    expect(composite.kernels).not.toContain(FED_BATCH_NORM_TRAIN);
    expect(fused.kernels).toContain(FED_BATCH_NORM_TRAIN);
    expect(fused.kernels).toContain(FED_BATCH_NORM_TRAIN_GRAD);
    composite.values.forEach((want, j) => want.forEach((w, i) => expect(fused.values[j]![i]).toBeCloseTo(w, 4)));
  });

  it('SGD.step: one fused call per group gives the composite weights bit for bit, without leaks', async () => {
    const shapes = [[3, 4], [4], [2, 2, 3]];
    const train = async (fused: boolean) => {
      if (fused) register();
      const start = tf.memory().numTensors;
      const rng = new Rng(2);
      const vars = shapes.map((s, i) =>
        tf.tidy(() =>
          tf.variable(
            tf.tensor(
              randomArray(
                rng.derive('w', i),
                s.reduce((a, b) => a * b),
              ),
              s,
            ),
          ),
        ),
      );
      const opt = new SGD(vars, { lr: 0.1, momentum: 0.5, weightDecay: 5e-4 });
      const counts: number[] = [];
      let calls = 0;
      for (let step = 0; step < 3; step++) {
        // Variable 1 has no gradient on step 0, so step 1 mixes a first-step group and a momentum group.
        const grads = new Map<tf.Variable, tf.Tensor>();
        vars.forEach((v, i) => {
          if (!(i === 1 && step === 0)) grads.set(v, tf.tensor(randomArray(rng.derive('g', step, i), v.size), v.shape));
        });
        const profile = await tf.profile(() => opt.step(grads));
        calls += profile.kernels.filter((k) => k.name === FED_SGD_MOMENTUM_UPDATE).length;
        tf.dispose([...grads.values()]);
        counts.push(tf.memory().numTensors - start);
      }
      const weights = vars.map((v) => Array.from(v.dataSync()));
      opt.dispose();
      tf.dispose(vars);
      counts.push(tf.memory().numTensors - start);
      return { weights, counts, calls };
    };
    const composite = await train(false);
    const fused = await train(true);
    expect(composite.calls).toBe(0);
    expect(fused.calls).toBe(4); // steps 0 and 2: one group each; step 1: two groups
    expect(fused.weights).toEqual(composite.weights);
    expect(fused.counts).toEqual(composite.counts);
    expect(fused.counts.at(-1)).toBe(0);
  });
});
