import { Sqrt } from '@tensorflow/tfjs-core';

import { unaryKernel } from './unary-kernel.js';

/** Native float32 Sqrt: √x (NaN for x < 0). */
export const sqrtConfig = unaryKernel(Sqrt, 'sqrt');
