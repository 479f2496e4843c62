/**
 * Every native kernel of the `native` backend, in one list (tfjs `register_all_kernels.ts` style): adding a kernel is
 * one file plus one line here. Kernels not listed run tfjs-cpu's JavaScript implementation over the same memory.
 */
import type { KernelConfig } from '@tensorflow/tfjs-core';

// oneDNN convolutions, matmul and max pooling.
import { batchMatMulConfig } from './BatchMatMul.js';
import { conv2DConfig } from './Conv2D.js';
import { conv2DBackpropFilterConfig } from './Conv2DBackpropFilter.js';
import { conv2DBackpropInputConfig } from './Conv2DBackpropInput.js';
import { maxPoolConfig } from './MaxPool.js';
import { maxPoolGradConfig } from './MaxPoolGrad.js';

// --- Fused training kernels (contracts in @fedloge/core engine/fused) ---
import { fedBatchNormTrainConfig } from './FedBatchNormTrain.js';
import { fedBatchNormTrainGradConfig } from './FedBatchNormTrainGrad.js';
import { fedSgdMomentumUpdateConfig } from './FedSgdMomentumUpdate.js';
const FUSED_TRAINING_KERNELS: readonly KernelConfig[] = [fedBatchNormTrainConfig, fedBatchNormTrainGradConfig, fedSgdMomentumUpdateConfig];
// --- end fused training kernels ---

export const NATIVE_KERNELS: readonly KernelConfig[] = [
  // oneDNN convolutions, matmul and max pooling.
  conv2DConfig,
  conv2DBackpropInputConfig,
  conv2DBackpropFilterConfig,
  ...FUSED_TRAINING_KERNELS,
  batchMatMulConfig,
  maxPoolConfig,
  maxPoolGradConfig,
];
