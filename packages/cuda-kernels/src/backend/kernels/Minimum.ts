import { Minimum } from '@tensorflow/tfjs-core';

import { binaryKernel } from './binary-kernel.js';

/** Native float32 Minimum with broadcasting: min(a, b), NaN if either is NaN. */
export const minimumConfig = binaryKernel(Minimum, 'minimum');
