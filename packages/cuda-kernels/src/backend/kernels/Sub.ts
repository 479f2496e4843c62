import { Sub } from '@tensorflow/tfjs-core';

import { binaryKernel } from './binary-kernel.js';

/** Native float32 Sub with broadcasting: a − b. */
export const subConfig = binaryKernel(Sub, 'sub');
