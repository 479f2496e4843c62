/**
 * Every GPU kernel of the `cuda` backend, in one list (tfjs `register_all_kernels.ts` style). Kernels not listed run
 * the counted CPU fallback (download → tfjs-cpu → upload; see CudaBackend.runOnCpu).
 */
import type { KernelConfig } from '@tensorflow/tfjs-core';

export const CUDA_KERNELS: readonly KernelConfig[] = [];
