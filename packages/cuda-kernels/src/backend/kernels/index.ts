/**
 * Every native kernel of the `native` backend, in one list (tfjs `register_all_kernels.ts` style): adding a kernel is
 * one file plus one line here. Kernels not listed run tfjs-cpu's JavaScript implementation over the same memory.
 */
import type { KernelConfig } from '@tensorflow/tfjs-core';

// oneDNN convolutions, matmul and max pooling.
import { batchMatMulConfig } from './BatchMatMul.js';
import { conv2DConfig } from './Conv2D.js';
import { conv2DBackpropFilterConfig } from './Conv2DBackpropFilter.js';
import { conv2DBackpropInputConfig } from './Conv2DBackpropInput.js';
import { maxPoolConfig } from './MaxPool.js';
import { maxPoolGradConfig } from './MaxPoolGrad.js';

// --- Fused training kernels (contracts in @fedloge/core engine/fused) ---
import { fedBatchNormTrainConfig } from './FedBatchNormTrain.js';
import { fedBatchNormTrainGradConfig } from './FedBatchNormTrainGrad.js';
import { fedSgdMomentumUpdateConfig } from './FedSgdMomentumUpdate.js';
const FUSED_TRAINING_KERNELS: readonly KernelConfig[] = [fedBatchNormTrainConfig, fedBatchNormTrainGradConfig, fedSgdMomentumUpdateConfig];
// --- end fused training kernels ---

// --- elementwise, broadcast and reduction kernels ---
import { reluConfig } from './Relu.js';
import { stepConfig } from './Step.js';
import { squareConfig } from './Square.js';
import { sqrtConfig } from './Sqrt.js';
import { rsqrtConfig } from './Rsqrt.js';
import { expConfig } from './Exp.js';
import { logConfig } from './Log.js';
import { negConfig } from './Neg.js';
import { absConfig } from './Abs.js';
import { reciprocalConfig } from './Reciprocal.js';
import { sigmoidConfig } from './Sigmoid.js';
import { tanhConfig } from './Tanh.js';
import { addConfig } from './Add.js';
import { subConfig } from './Sub.js';
import { multiplyConfig } from './Multiply.js';
import { realDivConfig } from './RealDiv.js';
import { maximumConfig } from './Maximum.js';
import { minimumConfig } from './Minimum.js';
import { powConfig } from './Pow.js';
import { squaredDifferenceConfig } from './SquaredDifference.js';
import { equalConfig } from './Equal.js';
import { notEqualConfig } from './NotEqual.js';
import { greaterConfig } from './Greater.js';
import { greaterEqualConfig } from './GreaterEqual.js';
import { lessConfig } from './Less.js';
import { lessEqualConfig } from './LessEqual.js';
import { sumConfig } from './Sum.js';
import { meanConfig } from './Mean.js';
import { maxConfig } from './Max.js';
import { minConfig } from './Min.js';
import { argMaxConfig } from './ArgMax.js';
import { argMinConfig } from './ArgMin.js';
import { softmaxConfig } from './Softmax.js';
import { castConfig } from './Cast.js';
import { selectConfig } from './Select.js';
// --- end elementwise ---

/** Elementwise maps, broadcasting binaries / comparisons, casts, reductions and softmax over float32. */
export const ELEMENTWISE_KERNELS: readonly KernelConfig[] = [
  reluConfig,
  stepConfig,
  squareConfig,
  sqrtConfig,
  rsqrtConfig,
  expConfig,
  logConfig,
  negConfig,
  absConfig,
  reciprocalConfig,
  sigmoidConfig,
  tanhConfig,
  addConfig,
  subConfig,
  multiplyConfig,
  realDivConfig,
  maximumConfig,
  minimumConfig,
  powConfig,
  squaredDifferenceConfig,
  equalConfig,
  notEqualConfig,
  greaterConfig,
  greaterEqualConfig,
  lessConfig,
  lessEqualConfig,
  selectConfig,
  castConfig,
  sumConfig,
  meanConfig,
  maxConfig,
  minConfig,
  argMaxConfig,
  argMinConfig,
  softmaxConfig,
];

export const NATIVE_KERNELS: readonly KernelConfig[] = [
  // oneDNN convolutions, matmul and max pooling.
  conv2DConfig,
  conv2DBackpropInputConfig,
  conv2DBackpropFilterConfig,
  ...FUSED_TRAINING_KERNELS,
  batchMatMulConfig,
  maxPoolConfig,
  maxPoolGradConfig,
  ...ELEMENTWISE_KERNELS,
];
