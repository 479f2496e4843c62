export { shotSplit, SHOT_GROUPS } from './shot-split.js';
export type { ShotGroup, ShotSplit } from './shot-split.js';
export { tallyPredictions, pooledAccuracy, perClassAccuracy } from './class-tally.js';
export type { ClassTally } from './class-tally.js';
export { argmaxRows } from './argmax.js';
export { meanCrossEntropy } from './cross-entropy.js';
export { clientModelAccuracy, globalModelAccuracy, globalTestDistribution, groupedAccuracy, meanOverClients } from './shot-accuracy.js';
export type { ShotAccuracy } from './shot-accuracy.js';
