import { Softmax, type KernelConfig, type TensorInfo } from '@tensorflow/tfjs-core';

import type { NativeBackend } from '../native-backend.js';
import { float32Values, stockKernel } from './native-kernel.js';

/** Native float32 Softmax over the last axis (tfjs-cpu supports no other `dim` either); empty logits go to the stock kernel. */
export const softmaxConfig: KernelConfig = {
  kernelName: Softmax,
  backendName: 'native',
  kernelFunc: (args) => {
    const backend = args.backend as NativeBackend;
    const logits = args.inputs['logits'] as TensorInfo;
    const values = float32Values(backend, logits);
    const run = backend.addon.softmaxF32;
    const rank = logits.shape.length;
    const dim = (args.attrs as { dim: number }).dim;
    if (!values || !run || values.length === 0 || rank === 0 || (dim !== -1 && dim !== rank - 1)) return stockKernel(Softmax)(args);
    const cols = logits.shape[rank - 1]!;
    return backend.makeOutputInfo(logits.shape, 'float32', (out) => run(values, values.length / cols, cols, out as Float32Array));
  },
};
