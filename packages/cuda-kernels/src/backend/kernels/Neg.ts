import { Neg } from '@tensorflow/tfjs-core';

import { unaryKernel } from './unary-kernel.js';

/** Native float32 Neg: −x. */
export const negConfig = unaryKernel(Neg, 'neg');
