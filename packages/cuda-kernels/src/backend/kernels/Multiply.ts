import { Multiply } from '@tensorflow/tfjs-core';

import { binaryKernel } from './binary-kernel.js';

/** Native float32 Multiply with broadcasting: a · b. */
export const multiplyConfig = binaryKernel(Multiply, 'mul');
