/**
 * FedBatchNormTrainGrad (contract in @fedloge/core engine/fused): dx, dGamma, dBeta of training-mode batch norm from
 * dy, the forward's x and its batch statistics, in two native passes (column sums of dy and dy·x̂, then dx).
 */
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';

import type { NativeBackend } from '../native-backend.js';
import { addonFunction, check, float32Input, float32Outputs } from './fused-io.js';
import { FED_BATCH_NORM_TRAIN_GRAD } from './fused-names.js';

const K = FED_BATCH_NORM_TRAIN_GRAD;

export const fedBatchNormTrainGradConfig: KernelConfig = {
  kernelName: K,
  backendName: 'native',
  kernelFunc: ({ inputs, backend: b, attrs }) => {
    const backend = b as NativeBackend;
    const { dy, x, gamma, mean, variance } = inputs as Record<'dy' | 'x' | 'gamma' | 'mean' | 'variance', TensorInfo>;
    const epsilon = (attrs as { epsilon: number }).epsilon;
    check(x.shape.length >= 1, K, `x must have at least one dimension (channels last), got shape [${x.shape}]`);
    const c = x.shape[x.shape.length - 1]!;
    const m = x.shape.slice(0, -1).reduce((a, d) => a * d, 1);
    check(m >= 1, K, `x [${x.shape}] has no rows`);
    check(
      dy.shape.length === x.shape.length && dy.shape.every((d, i) => d === x.shape[i]),
      K,
      `dy [${dy.shape}] must have the shape of x [${x.shape}]`,
    );
    for (const [name, t] of [
      ['gamma', gamma],
      ['mean', mean],
      ['variance', variance],
    ] as const) {
      check(t.shape.length === 1 && t.shape[0] === c, K, `${name} must have shape [${c}] (channels of x) but has [${t.shape}]`);
    }
    check(Number.isFinite(epsilon) && epsilon >= 0, K, `attr epsilon must be a finite number >= 0 but is ${epsilon}`);
    const backward = addonFunction(backend, 'batchNormTrainBackward', K);
    const dyv = float32Input(backend, dy, K, 'dy');
    const xv = float32Input(backend, x, K, 'x');
    const gv = float32Input(backend, gamma, K, 'gamma');
    const mv = float32Input(backend, mean, K, 'mean');
    const vv = float32Input(backend, variance, K, 'variance');
    return float32Outputs(backend, [x.shape, [c], [c]], ([dx, dGamma, dBeta]) =>
      backward(dyv, xv, m, c, gv, mv, vv, epsilon, dx!, dGamma!, dBeta!),
    );
  },
};
