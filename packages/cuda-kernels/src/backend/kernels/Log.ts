import { Log } from '@tensorflow/tfjs-core';

import { unaryKernel } from './unary-kernel.js';

/** Native float32 Log: ln x. */
export const logConfig = unaryKernel(Log, 'log');
