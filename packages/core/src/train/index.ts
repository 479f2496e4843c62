export { SGD, minimize } from './sgd.js';
export { leanVariableGrads } from './lean-backprop.js';
export type { SgdOptions } from './sgd.js';
export { crossEntropy } from './losses.js';
