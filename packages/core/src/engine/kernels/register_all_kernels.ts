/**
 * Every kernel shim, per backend, in one list (tfjs `register_all_kernels.ts` style): adding a
 * shim is one file plus one line here.
 *
 * - wasm: Conv2DBackpropFilter is missing (training a CNN fails without it) and the stock
 *   Conv2DBackpropInput is a naive loop; both become XNNPACK Conv2D calls.
 * - cpu: the stock Conv2DBackpropFilter is ~50x slower than the same shim (specs/stack.md §1.2).
 *   Its Conv2DBackpropInput is kept: see KERNEL_SHIMS_BY_BACKEND's doc for the measurement.
 */
import * as tf from '@tensorflow/tfjs';
import { conv2DBackpropFilterConfig } from './Conv2DBackpropFilter.js';
import { conv2DBackpropInputConfig } from './Conv2DBackpropInput.js';

/** The shims each backend gets. Backends not listed (e.g. `tensorflow`) need none. */
export const KERNEL_SHIMS_BY_BACKEND: Readonly<Record<string, readonly ((backendName: string) => tf.KernelConfig)[]>> = {
  wasm: [conv2DBackpropFilterConfig, conv2DBackpropInputConfig],
  cpu: [conv2DBackpropFilterConfig, conv2DBackpropInputConfig],
};

/**
 * Register the shims for `backendName`, replacing any stock kernel of the same name. tfjs ignores
 * `registerKernel` for a name that is already registered (with only a console warning), so the
 * stock kernel is unregistered first. Idempotent. Returns the names of the kernels it installed.
 */
export function registerKernelShims(backendName: string): string[] {
  const installed: string[] = [];
  for (const makeConfig of KERNEL_SHIMS_BY_BACKEND[backendName] ?? []) {
    const config = makeConfig(backendName);
    if (tf.getKernel(config.kernelName, backendName)) tf.unregisterKernel(config.kernelName, backendName);
    tf.registerKernel(config);
    installed.push(config.kernelName);
  }
  return installed;
}
