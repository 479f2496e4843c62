import { Reciprocal } from '@tensorflow/tfjs-core';

import { unaryKernel } from './unary-kernel.js';

/** Native float32 Reciprocal: 1 / x. */
export const reciprocalConfig = unaryKernel(Reciprocal, 'reciprocal');
