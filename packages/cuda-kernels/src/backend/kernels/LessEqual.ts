import { LessEqual } from '@tensorflow/tfjs-core';

import { compareKernel } from './binary-kernel.js';

/** Native float32 LessEqual with broadcasting: a ≤ b as a bool tensor. */
export const lessEqualConfig = compareKernel(LessEqual, 'lessEqual');
