import { Step } from '@tensorflow/tfjs-core';

import { unaryKernel } from './unary-kernel.js';

/** Native float32 Step: 1 for x > 0, else the `alpha` attribute; NaN stays NaN. */
export const stepConfig = unaryKernel(Step, 'step', (attrs) => (attrs['alpha'] as number | undefined) ?? 0);
