// native-ops: the @fedloge/cuda-kernels addon as tfjs kernels (with gradients) and the EtfKernels selection API.
export { selectKernels, KERNEL_CHOICES } from './select-kernels.js';
export type { EtfKernels, KernelChoice } from './etf-kernels.js';
export { SparseEtf } from './sparse-etf.js';
export { registerNativeKernels } from './register-native-kernels.js';
export { LOCAL_REALIGN, RENORM_ROWS, SPARSE_ETF_CROSS_ENTROPY, SPARSE_ETF_PROJECT, SPARSE_ETF_PROJECT_BACKWARD } from './kernel-names.js';
