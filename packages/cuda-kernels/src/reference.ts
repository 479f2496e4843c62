// @fedloge/cuda-kernels/reference: the pure-TypeScript kernels only (no addon loading), for environments without
// native addons and as test oracles.
export { csrProjectBackwardImpl, csrProjectForwardImpl } from './csr-project.impl.js';
export { csrCrossEntropyImpl } from './csr-cross-entropy.impl.js';
export { renormRowsImpl } from './renorm-rows.impl.js';
export { matchRowNormsImpl } from './match-row-norms.impl.js';
export { csrToDense, denseToCsr } from './csr.js';
export type { CsrMatrix } from './types.js';
