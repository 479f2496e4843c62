import { Relu } from '@tensorflow/tfjs-core';

import { unaryKernel } from './unary-kernel.js';

/** Native float32 Relu: max(0, x); NaN stays NaN (Math.max semantics). */
export const reluConfig = unaryKernel(Relu, 'relu');
