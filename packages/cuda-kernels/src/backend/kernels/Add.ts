import { Add } from '@tensorflow/tfjs-core';

import { binaryKernel } from './binary-kernel.js';

/** Native float32 Add with broadcasting: a + b. */
export const addConfig = binaryKernel(Add, 'add');
