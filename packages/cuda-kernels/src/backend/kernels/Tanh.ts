import { Tanh } from '@tensorflow/tfjs-core';

import { unaryKernel } from './unary-kernel.js';

/** Native float32 Tanh: tanh x. */
export const tanhConfig = unaryKernel(Tanh, 'tanh');
