import { Exp } from '@tensorflow/tfjs-core';

import { unaryKernel } from './unary-kernel.js';

/** Native float32 Exp: eˣ. */
export const expConfig = unaryKernel(Exp, 'exp');
