import { Mean } from '@tensorflow/tfjs-core';

import { reduceKernel } from './reduce-kernel.js';

/** Native float32 Mean: Mean over the axes. */
export const meanConfig = reduceKernel(Mean, 'mean');
