/**
 * Every kernel shim, per backend, in one list (tfjs `register_all_kernels.ts` style): adding a
 * shim is one file plus one line here.
 *
 * - wasm: Conv2DBackpropFilter is missing (training a CNN fails without it) and the stock
 *   Conv2DBackpropInput is a naive loop; both become XNNPACK Conv2D calls. BatchMatMul with
 *   transpose flags is routed through an explicit Transpose (4–20x faster).
 *   MaxPoolGrad (~25 ms of a ~95 ms B=32 small-CNN step) stays stock: a rewrite from tfjs kernels
 *   needs 6-D transposes and broadcasts that wasm runs 30–40x slower than 4-D ones, and wasm's
 *   MaxPoolWithArgmax is unusable for argmax + scatter (it starts from FLT_MIN: windows whose
 *   maximum is ≤ 0 report index 0; ties pick the last maximum). The stock MaxPoolGrad has the
 *   same FLT_MIN flaw (such windows get no gradient), which is harmless after a ReLU.
 * - cpu: the stock Conv2DBackpropFilter is ~50x slower than the same shim (docs/stack.md#wasm-kernel-shims).
 *   Its Conv2DBackpropInput stays stock: the shim, a cpu Conv2D on zero-inserted dy, measured
 *   1.4x slower (303 vs 431 ms for a [32, 14, 14, 32] → 64 3×3 layer).
 */
import * as tf from '@tensorflow/tfjs-core';
import { batchMatMulConfig } from './BatchMatMul.js';
import { conv2DBackpropFilterConfig } from './Conv2DBackpropFilter.js';
import { conv2DBackpropInputConfig } from './Conv2DBackpropInput.js';

/**
 * Builds a shim's config. `stock` is the backend's original kernel of the same name (captured
 * before the first replacement), for shims that wrap rather than replace it.
 */
export type KernelShimFactory = (backendName: string, stock: tf.KernelConfig | undefined) => tf.KernelConfig;

/** The shims each backend gets. Backends not listed (e.g. `tensorflow`) need none. */
export const KERNEL_SHIMS_BY_BACKEND: Readonly<Record<string, readonly KernelShimFactory[]>> = {
  wasm: [conv2DBackpropFilterConfig, conv2DBackpropInputConfig, batchMatMulConfig],
  cpu: [conv2DBackpropFilterConfig],
};

/** Original kernels by `backend/kernel`, recorded the first time a shim replaces them. */
const stockKernels = new Map<string, tf.KernelConfig | undefined>();

/**
 * Register the shims for `backendName`, replacing any stock kernel of the same name. tfjs ignores
 * `registerKernel` for a name that is already registered (with only a console warning), so the
 * current kernel is unregistered first. Idempotent. Returns the names of the kernels installed.
 */
export function registerKernelShims(backendName: string): string[] {
  const installed: string[] = [];
  for (const makeConfig of KERNEL_SHIMS_BY_BACKEND[backendName] ?? []) {
    const name = makeConfig(backendName, noStock).kernelName;
    const id = `${backendName}/${name}`;
    if (!stockKernels.has(id)) stockKernels.set(id, tf.getKernel(name, backendName));
    const config = makeConfig(backendName, stockKernels.get(id));
    if (tf.getKernel(name, backendName)) tf.unregisterKernel(name, backendName);
    tf.registerKernel(config);
    installed.push(name);
  }
  return installed;
}

/** Placeholder used only to read a factory's kernel name. */
const noStock: tf.KernelConfig = {
  kernelName: '',
  backendName: '',
  kernelFunc: () => {
    throw new Error('registerKernelShims: placeholder kernel called');
  },
};
