import { Square } from '@tensorflow/tfjs-core';

import { unaryKernel } from './unary-kernel.js';

/** Native float32 Square: x². */
export const squareConfig = unaryKernel(Square, 'square');
