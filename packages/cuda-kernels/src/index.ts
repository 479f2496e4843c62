// @fedloge/cuda-kernels: typed wrappers over the native sparse-ETF / GLA-FR kernels, with TypeScript fallbacks.
export { etfProjectBackward, etfProjectForward } from './etf-project.js';
export type { EtfProjectOptions } from './etf-project.js';
export { etfCrossEntropy } from './etf-cross-entropy.js';
export type { EtfCrossEntropyOptions, EtfCrossEntropyResult } from './etf-cross-entropy.js';
export { renormRows } from './renorm-rows.js';
export { localRealignRows } from './local-realign.js';
export type { LocalRealignRowsOptions } from './local-realign.js';
export { assertCsr } from './csr.js';
export { cudaInfo, nativeStatus } from './load.js';
export type { NativeStatus } from './load.js';
export * from './reference.js';
export type { CsrMatrix, CudaInfo, Device, KernelOptions, OutputOptions } from './types.js';
export type { HostMemoryStats, LibraryInfo } from './load.js';
export * from './backend/index.js';
