// @fedloge/cuda-kernels/reference: the pure-TypeScript kernels only (no addon loading), for environments without
// native addons and as test oracles.
export { etfProjectBackwardImpl, etfProjectForwardImpl } from './etf-project.impl.js';
export { etfCrossEntropyImpl } from './etf-cross-entropy.impl.js';
export { renormRowsImpl } from './renorm-rows.impl.js';
export { localRealignImpl, MASKED_ROW_VALUE } from './local-realign.impl.js';
export { csrToDense, denseToCsr } from './csr.js';
export type { CsrMatrix } from './types.js';
