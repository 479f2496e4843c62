// @fedloge/cuda-kernels: the `native` and `cuda` tfjs backends, and typed wrappers over the addon's sparse row projection
// and row-norm kernels, with TypeScript fallbacks.
export { csrProjectBackward, csrProjectForward } from './csr-project.js';
export type { CsrProjectOptions } from './csr-project.js';
export { csrCrossEntropy } from './csr-cross-entropy.js';
export type { CsrCrossEntropyOptions, CsrCrossEntropyResult } from './csr-cross-entropy.js';
export { renormRows } from './renorm-rows.js';
export { matchRowNorms } from './match-row-norms.js';
export type { MatchRowNormsOptions } from './match-row-norms.js';
export { assertCsr } from './csr.js';
export { cudaInfo, nativeStatus } from './load.js';
export type { NativeStatus } from './load.js';
export * from './reference.js';
export type { CsrMatrix, CudaInfo, Device, KernelOptions, OutputOptions } from './types.js';
export type { HostMemoryStats, LibraryInfo } from './load.js';
export * from './backend/index.js';
