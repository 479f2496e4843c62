import { Exp } from '@tensorflow/tfjs-core';

import { unaryKernel } from './unary_kernel.js';

/** Native float32 Exp: eˣ. */
export const expConfig = unaryKernel(Exp, 'exp');
