import { Sigmoid } from '@tensorflow/tfjs-core';

import { unaryKernel } from './unary-kernel.js';

/** Native float32 Sigmoid: 1 / (1 + e⁻ˣ). */
export const sigmoidConfig = unaryKernel(Sigmoid, 'sigmoid');
