export { ABSENT_CLASS_OFFSET, assertClassCounts, logCountOffsets, logitCalibrationOffsets } from './classPrior.js';
export { offsetCrossEntropy } from './offsetCrossEntropy.js';
export { PROX_FORMS, proximalTerm, skipsFirstBatch } from './proximalTerm.js';
export { stopGradient } from './stopGradient.js';
export type { ProxForm } from './proximalTerm.js';
