import { NotEqual } from '@tensorflow/tfjs-core';

import { compareKernel } from './binary-kernel.js';

/** Native float32 NotEqual with broadcasting: a != b as a bool tensor. */
export const notEqualConfig = compareKernel(NotEqual, 'notEqual');
