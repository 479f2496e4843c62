import { Reciprocal } from '@tensorflow/tfjs-core';

import { unaryKernel } from './unary_kernel.js';

/** Native float32 Reciprocal: 1 / x. */
export const reciprocalConfig = unaryKernel(Reciprocal, 'reciprocal');
