import { Select, util, type KernelConfig, type TensorInfo } from '@tensorflow/tfjs-core';

import type { NativeBackend } from '../native-backend.js';
import { float32Values, stockKernel } from './native-kernel.js';

/**
 * Native Select (tf.where) of float32 branches when the condition has their shape (tf.where broadcasts all three
 * first); a rank-1 condition over rows, and other dtypes, run the stock cpu kernel.
 */
export const selectConfig: KernelConfig = {
  kernelName: Select,
  backendName: 'native',
  kernelFunc: (args) => {
    const backend = args.backend as NativeBackend;
    const { condition, t, e } = args.inputs as { condition: TensorInfo; t: TensorInfo; e: TensorInfo };
    const cond = condition.dtype === 'bool' ? backend.valuesOf(condition) : null;
    const tValues = float32Values(backend, t);
    const eValues = float32Values(backend, e);
    const run = backend.addon.selectF32;
    const sameShapes = util.arraysEqual(condition.shape, t.shape) && util.arraysEqual(t.shape, e.shape);
    if (!(cond instanceof Uint8Array) || !tValues || !eValues || !run || !sameShapes) return stockKernel(Select)(args);
    return backend.makeOutputInfo(t.shape, 'float32', (out) => run(cond, tValues, eValues, out as Float32Array));
  },
};
