/**
 * Every GPU kernel of the `cuda` backend, in one list (tfjs `register_all_kernels.ts` style). Kernels not listed run
 * the counted CPU fallback (download → tfjs-cpu → upload; see CudaBackend.runOnCpu), and so do calls a listed kernel
 * does not cover (other dtypes, NCHW, PReLU, rank > 6 views).
 */
import type { KernelConfig } from '@tensorflow/tfjs-core';

import { BATCHNORM_KERNELS } from './batchnorm.js';
import { CONV_KERNELS } from './conv.js';
import { ELEMENTWISE_KERNELS } from './elementwise.js';
import { MATMUL_KERNELS } from './matmul.js';
import { POOL_KERNELS } from './pool.js';
import { REDUCE_KERNELS } from './reduce.js';
import { SHAPE_KERNELS } from './shape.js';
import { SOFTMAX_KERNELS } from './softmax.js';

export const CUDA_KERNELS: readonly KernelConfig[] = [
  ...ELEMENTWISE_KERNELS,
  ...SHAPE_KERNELS,
  ...REDUCE_KERNELS,
  ...MATMUL_KERNELS,
  ...CONV_KERNELS,
  ...POOL_KERNELS,
  ...SOFTMAX_KERNELS,
  ...BATCHNORM_KERNELS,
];
