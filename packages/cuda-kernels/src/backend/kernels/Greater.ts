import { Greater } from '@tensorflow/tfjs-core';

import { compareKernel } from './binary-kernel.js';

/** Native float32 Greater with broadcasting: a > b as a bool tensor. */
export const greaterConfig = compareKernel(Greater, 'greater');
