/**
 * FedBatchNormTrain (contract in @fedloge/core engine/fused): training-mode batch norm over every axis but the last,
 * in two native passes (column statistics, then y). Outputs y, mean [C], biased variance [C].
 */
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';

import type { NativeBackend } from '../native-backend.js';
import { addonFunction, check, float32Input, float32Outputs } from './fused-io.js';
import { FED_BATCH_NORM_TRAIN } from './fused-names.js';

const K = FED_BATCH_NORM_TRAIN;

export const fedBatchNormTrainConfig: KernelConfig = {
  kernelName: K,
  backendName: 'native',
  kernelFunc: ({ inputs, backend: b, attrs }) => {
    const backend = b as NativeBackend;
    const { x, gamma, beta } = inputs as { x: TensorInfo; gamma: TensorInfo; beta: TensorInfo };
    const epsilon = (attrs as { epsilon: number }).epsilon;
    check(x.shape.length >= 1, K, `x must have at least one dimension (channels last), got shape [${x.shape}]`);
    const c = x.shape[x.shape.length - 1]!;
    const m = x.shape.slice(0, -1).reduce((a, d) => a * d, 1);
    check(m >= 1, K, `x [${x.shape}] has no rows to take statistics over`);
    check(gamma.shape.length === 1 && gamma.shape[0] === c, K, `gamma must have shape [${c}] (channels of x) but has [${gamma.shape}]`);
    check(beta.shape.length === 1 && beta.shape[0] === c, K, `beta must have shape [${c}] (channels of x) but has [${beta.shape}]`);
    check(Number.isFinite(epsilon) && epsilon >= 0, K, `attr epsilon must be a finite number >= 0 but is ${epsilon}`);
    const forward = addonFunction(backend, 'batchNormTrainForward', K);
    const xv = float32Input(backend, x, K, 'x');
    const gv = float32Input(backend, gamma, K, 'gamma');
    const bv = float32Input(backend, beta, K, 'beta');
    return float32Outputs(backend, [x.shape, [c], [c]], ([y, mean, variance]) => forward(xv, m, c, gv, bv, epsilon, y!, mean!, variance!));
  },
};
