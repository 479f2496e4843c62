/**
 * Every addon-backed tfjs kernel and gradient, in one list (tfjs `register_all_kernels.ts` style): adding a kernel is
 * one file plus one line here. Registered for the cpu, wasm and native backends, whose tensor memory the addon can
 * use directly.
 */
import * as tf from '@tensorflow/tfjs-core';

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

/** Our configs by `backend/kernel`, to tell them from copies made by others. */
const registeredConfigs = new Map<string, tf.KernelConfig>();

/** Registers the kernels (for cpu, wasm and native) and their gradients. Idempotent. */
export function registerNativeKernels(): void {
  for (const backendName of NATIVE_KERNEL_BACKENDS) {
    for (const makeConfig of KERNELS) {
      const config = makeConfig(backendName);
      const key = `${backendName}/${config.kernelName}`;
      const current = tf.getKernel(config.kernelName, backendName);
      if (current && current === registeredConfigs.get(key)) continue;
      // Something else holds the name: the native backend copies every cpu kernel when it registers, so a cpu
      // config registered earlier would run there over unpooled memory. tfjs ignores a second registration, so
      // unregister it first.
      if (current) tf.unregisterKernel(config.kernelName, backendName);
      tf.registerKernel(config);
      registeredConfigs.set(key, tf.getKernel(config.kernelName, backendName)!);
    }
  }
  for (const grad of GRADIENTS) if (!tf.getGradient(grad.kernelName)) tf.registerGradient(grad);
}

/** True when the addon kernels can run on the active tfjs backend. */
export function nativeKernelsSupportBackend(backendName: string): backendName is NativeKernelBackend {
  return (NATIVE_KERNEL_BACKENDS as readonly string[]).includes(backendName);
}
