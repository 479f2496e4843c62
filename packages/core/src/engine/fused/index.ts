export * from './kernel_names.js';
export { hasFusedKernel } from './has_fused_kernel.js';
export { fedBatchNormTrainGradConfig, registerFusedGradients } from './batch_norm_train_grad.js';
