import { ArgMin } from '@tensorflow/tfjs-core';

import { argReduceKernel } from './reduce-kernel.js';

/** Native float32 ArgMin: int32 index of the first smallest element along `axis` (NaN after the first element is skipped, as tfjs-cpu). */
export const argMinConfig = argReduceKernel(ArgMin, 'min');
