import { Equal } from '@tensorflow/tfjs-core';

import { compareKernel } from './binary-kernel.js';

/** Native float32 Equal with broadcasting: a == b as a bool tensor. */
export const equalConfig = compareKernel(Equal, 'equal');
