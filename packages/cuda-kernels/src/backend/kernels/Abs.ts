import { Abs } from '@tensorflow/tfjs-core';

import { unaryKernel } from './unary-kernel.js';

/** Native float32 Abs: |x|. */
export const absConfig = unaryKernel(Abs, 'abs');
