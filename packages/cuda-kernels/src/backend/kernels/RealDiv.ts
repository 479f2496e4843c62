import { RealDiv } from '@tensorflow/tfjs-core';

import { binaryKernel } from './binary-kernel.js';

/** Native float32 RealDiv with broadcasting: a / b. */
export const realDivConfig = binaryKernel(RealDiv, 'div');
