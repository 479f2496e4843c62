import { Less } from '@tensorflow/tfjs-core';

import { compareKernel } from './binary-kernel.js';

/** Native float32 Less with broadcasting: a < b as a bool tensor. */
export const lessConfig = compareKernel(Less, 'less');
