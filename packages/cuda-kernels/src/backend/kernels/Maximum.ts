import { Maximum } from '@tensorflow/tfjs-core';

import { binaryKernel } from './binary-kernel.js';

/** Native float32 Maximum with broadcasting: max(a, b), NaN if either is NaN. */
export const maximumConfig = binaryKernel(Maximum, 'maximum');
