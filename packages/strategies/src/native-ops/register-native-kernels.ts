/**
 * Every addon-backed tfjs kernel and gradient, in one list (tfjs `register_all_kernels.ts` style): adding a kernel is
 * one file plus one line here. Registered for the cpu and wasm backends, whose tensor memory the addon can use
 * directly.
 */
import * as tf from '@tensorflow/tfjs';

import { NATIVE_KERNEL_BACKENDS, type NativeKernelBackend } from './backend-io.js';
import { localRealignConfig } from './local-realign.kernel.js';
import { renormRowsConfig } from './renorm-rows.kernel.js';
import { sparseEtfCrossEntropyConfig, sparseEtfCrossEntropyGradConfig } from './sparse-etf-cross-entropy.kernel.js';
import {
  sparseEtfProjectBackwardConfig,
  sparseEtfProjectConfig,
  sparseEtfProjectGradConfig,
} from './sparse-etf-project.kernel.js';

const KERNELS: readonly ((backendName: NativeKernelBackend) => tf.KernelConfig)[] = [
  sparseEtfProjectConfig,
  sparseEtfProjectBackwardConfig,
  sparseEtfCrossEntropyConfig,
  renormRowsConfig,
  localRealignConfig,
];

const GRADIENTS: readonly tf.GradConfig[] = [sparseEtfProjectGradConfig, sparseEtfCrossEntropyGradConfig];

/** Registers the kernels (for cpu and wasm) and their gradients. Idempotent; returns nothing new on a second call. */
export function registerNativeKernels(): void {
  for (const backendName of NATIVE_KERNEL_BACKENDS) {
    for (const makeConfig of KERNELS) {
      const config = makeConfig(backendName);
      // tfjs ignores (with a warning) a second registration of the same name; ours are never stock kernels.
      if (!tf.getKernel(config.kernelName, backendName)) tf.registerKernel(config);
    }
  }
  for (const grad of GRADIENTS) if (!tf.getGradient(grad.kernelName)) tf.registerGradient(grad);
}

/** True when the addon kernels can run on the active tfjs backend. */
export function nativeKernelsSupportBackend(backendName: string): backendName is NativeKernelBackend {
  return (NATIVE_KERNEL_BACKENDS as readonly string[]).includes(backendName);
}
