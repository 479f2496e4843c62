import { Cast, type DataType, type KernelConfig, type TensorInfo } from '@tensorflow/tfjs-core';

import type { NativeBackend } from '../native-backend.js';
import { nativeValues, stockKernel } from './native-kernel.js';

const NATIVE_DTYPES: ReadonlySet<DataType> = new Set(['float32', 'int32', 'bool']);

/**
 * Native Cast between float32, int32 and bool (JavaScript semantics: float → int32 truncates, → bool is x ≠ 0).
 * Same-dtype casts (tfjs shares the data) and complex / string run the stock cpu kernel.
 */
export const castConfig: KernelConfig = {
  kernelName: Cast,
  backendName: 'native',
  kernelFunc: (args) => {
    const backend = args.backend as NativeBackend;
    const x = args.inputs['x'] as TensorInfo;
    const dtype = (args.attrs as { dtype: DataType }).dtype;
    const values = nativeValues(backend, x);
    const run = backend.addon.castTensor;
    if (!values || !run || x.dtype === dtype || !NATIVE_DTYPES.has(dtype)) return stockKernel(Cast)(args);
    return backend.makeOutputInfo(x.shape, dtype, (out) => run(values, out));
  },
};
