export { SGD, minimize } from './sgd.js';
export type { SgdOptions } from './sgd.js';
export { crossEntropy } from './losses.js';
