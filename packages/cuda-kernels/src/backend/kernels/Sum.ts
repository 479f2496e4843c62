import { Sum } from '@tensorflow/tfjs-core';

import { reduceKernel } from './reduce-kernel.js';

/** Native float32 Sum: Σ over the axes. */
export const sumConfig = reduceKernel(Sum, 'sum');
