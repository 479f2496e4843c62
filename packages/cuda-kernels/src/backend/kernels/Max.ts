import { Max } from '@tensorflow/tfjs-core';

import { reduceKernel } from './reduce-kernel.js';

/** Native float32 Max: Maximum over the axes; NaN propagates. */
export const maxConfig = reduceKernel(Max, 'max', 'reductionIndices');
