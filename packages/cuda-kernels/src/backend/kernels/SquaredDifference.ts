import { SquaredDifference } from '@tensorflow/tfjs-core';

import { binaryKernel } from './binary-kernel.js';

/** Native float32 SquaredDifference with broadcasting: (a − b)². */
export const squaredDifferenceConfig = binaryKernel(SquaredDifference, 'squaredDifference');
