export { ABSENT_CLASS_OFFSET, assertClassCounts, logCountOffsets, logitCalibrationOffsets } from './class-prior.js';
export { offsetCrossEntropy } from './offset-cross-entropy.js';
export { PROX_FORMS, proximalTerm, skipsFirstBatch } from './proximal-term.js';
export { stopGradient } from './stop-gradient.js';
export type { ProxForm } from './proximal-term.js';
