export * from './kernel-names.js';
export { hasFusedKernel } from './has-fused-kernel.js';
export { fedBatchNormTrainGradConfig, registerFusedGradients } from './batch-norm-train-grad.js';
