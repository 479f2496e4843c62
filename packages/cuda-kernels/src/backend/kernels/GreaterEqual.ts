import { GreaterEqual } from '@tensorflow/tfjs-core';

import { compareKernel } from './binary-kernel.js';

/** Native float32 GreaterEqual with broadcasting: a ≥ b as a bool tensor. */
export const greaterEqualConfig = compareKernel(GreaterEqual, 'greaterEqual');
