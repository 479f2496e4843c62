/**
 * Names of the fused training kernels whose contracts @fedloge/core declares (packages/core/src/engine/fused): this
 * package knows nothing of the framework, so the names are repeated here; a test checks they match core's.
 */
export const FED_BATCH_NORM_TRAIN = 'FedBatchNormTrain';
export const FED_BATCH_NORM_TRAIN_GRAD = 'FedBatchNormTrainGrad';
export const FED_SGD_MOMENTUM_UPDATE = 'FedSgdMomentumUpdate';
