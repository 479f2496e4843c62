import { Rsqrt } from '@tensorflow/tfjs-core';

import { unaryKernel } from './unary-kernel.js';

/** Native float32 Rsqrt: 1 / √x. */
export const rsqrtConfig = unaryKernel(Rsqrt, 'rsqrt');
