import { Min } from '@tensorflow/tfjs-core';

import { reduceKernel } from './reduce-kernel.js';

/** Native float32 Min: Minimum over the axes; NaN propagates. */
export const minConfig = reduceKernel(Min, 'min');
