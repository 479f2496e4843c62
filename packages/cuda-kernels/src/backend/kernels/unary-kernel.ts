/** Factory of the native float32 unary kernels (x → op(x), same shape); other dtypes run the stock cpu kernel. */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

import type { UnaryOpName } from '../../load.js';
import type { NativeBackend } from '../native-backend.js';
import { float32Values, stockKernel } from './native-kernel.js';

export function unaryKernel(
  kernelName: string,
  op: UnaryOpName,
  alphaOf: (attrs: Record<string, unknown>) => number = () => 0,
): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as NativeBackend;
    const x = args.inputs['x'] as TensorInfo;
    const values = float32Values(backend, x);
    const run = backend.addon.unaryF32;
    if (!values || !run) return stockKernel(kernelName)(args);
    const alpha = alphaOf(args.attrs ?? {});
    return backend.makeOutputInfo(x.shape, 'float32', (out) => run(op, values, alpha, out as Float32Array));
  };
  return { kernelName, backendName: 'native', kernelFunc };
}
