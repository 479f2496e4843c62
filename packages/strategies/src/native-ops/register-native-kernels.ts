/**
 * Every addon-backed tfjs kernel and gradient, in one list (tfjs `register_all_kernels.ts` style): adding a kernel is
 * one file plus one line here. Registered for the cpu, wasm and native backends, whose tensor memory the addon can
 * use directly.
 */
import * as tf from '@tensorflow/tfjs-core';
import { registerKernelReplacing } from '@fedloge/cuda-kernels';

import { NATIVE_KERNEL_BACKENDS, type NativeKernelBackend } from './backend-io.js';
import { localRealignConfig } from './local-realign.kernel.js';
import { renormRowsConfig } from './renorm-rows.kernel.js';
import { sparseEtfCrossEntropyConfig, sparseEtfCrossEntropyGradConfig } from './sparse-etf-cross-entropy.kernel.js';
import { sparseEtfProjectBackwardConfig, sparseEtfProjectConfig, sparseEtfProjectGradConfig } from './sparse-etf-project.kernel.js';

const KERNELS: readonly ((backendName: NativeKernelBackend) => tf.KernelConfig)[] = [
  sparseEtfProjectConfig,
  sparseEtfProjectBackwardConfig,
  sparseEtfCrossEntropyConfig,
  renormRowsConfig,
  localRealignConfig,
];

const GRADIENTS: readonly tf.GradConfig[] = [sparseEtfProjectGradConfig, sparseEtfCrossEntropyGradConfig];

/** Our configs, built once per backend, so registering again finds them in place. */
const configs = new Map<NativeKernelBackend, readonly tf.KernelConfig[]>();

/**
 * Registers the kernels (for cpu, wasm and native) and their gradients, by the repository's one rule
 * (`registerKernelReplacing`): ours replace what holds the name (e.g. the copy of a cpu kernel the native backend
 * inherited), and a backend registered later never inherits over them. Idempotent.
 */
export function registerNativeKernels(): void {
  for (const backendName of NATIVE_KERNEL_BACKENDS) {
    if (!configs.has(backendName))
      configs.set(
        backendName,
        KERNELS.map((makeConfig) => makeConfig(backendName)),
      );
    for (const config of configs.get(backendName)!) registerKernelReplacing(config);
  }
  for (const grad of GRADIENTS) if (!tf.getGradient(grad.kernelName)) tf.registerGradient(grad);
}

/** True when the addon kernels can run on the active tfjs backend. */
export function nativeKernelsSupportBackend(backendName: string): backendName is NativeKernelBackend {
  return (NATIVE_KERNEL_BACKENDS as readonly string[]).includes(backendName);
}
