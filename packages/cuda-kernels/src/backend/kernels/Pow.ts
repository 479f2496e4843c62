import { Pow } from '@tensorflow/tfjs-core';

import { binaryKernel } from './binary-kernel.js';

/** Native float32 Pow with broadcasting: aᵇ (computed in double, as Math.pow). */
export const powConfig = binaryKernel(Pow, 'pow');
