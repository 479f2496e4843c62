import { ArgMax } from '@tensorflow/tfjs-core';

import { argReduceKernel } from './reduce-kernel.js';

/** Native float32 ArgMax: int32 index of the first largest element along `axis` (NaN after the first element is skipped, as tfjs-cpu). */
export const argMaxConfig = argReduceKernel(ArgMax, 'max');
