/**
 * Registers the `native` tfjs backend (see ./native-backend.ts): the backend factory, every tfjs-cpu kernel under the
 * new name (so no kernel is ever "unsupported on this backend"), then our native kernels over them.
 */
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';

import { nativeAddon, nativeStatus, type NativeAddon } from '../load.js';
import { inheritKernels, registerKernelReplacing } from './kernel-registry.js';
import { NATIVE_KERNELS } from './kernels/index.js';
import { NativeBackend } from './native-backend.js';

export const NATIVE_BACKEND_NAME = 'native' as const;

type RuntimeAddon = NativeAddon & Required<Pick<NativeAddon, 'allocHostBuffer' | 'setNumThreads' | 'libraryInfo' | 'hostMemoryStats'>>;

/** The addon when it has the native backend's runtime and oneDNN, else why not and how to fix it. */
export function nativeRuntime(): { addon: RuntimeAddon } | { reason: string } {
  const addon = nativeAddon();
  if (!addon) {
    const status = nativeStatus();
    return { reason: status.loaded ? 'the native addon is not loaded' : status.reason };
  }
  if (typeof addon.allocHostBuffer !== 'function' || typeof addon.libraryInfo !== 'function') {
    return { reason: 'fedkern.node predates the native backend; rebuild it with `npm run build:native -w @fedloge/cuda-kernels`' };
  }
  if (!addon.libraryInfo().dnnl) {
    return {
      reason:
        'fedkern.node was built without oneDNN; install it (Debian/Ubuntu: `apt-get install libdnnl-dev`) and rebuild with ' +
        '`npm run build:native -w @fedloge/cuda-kernels`',
    };
  }
  return { addon: addon as RuntimeAddon };
}

let registered = false;

/** Registers the backend and its kernels once; returns the kernels that run natively. Throws when unavailable. */
export function registerNativeBackend(): readonly string[] {
  const runtime = nativeRuntime();
  if (!('addon' in runtime)) throw new Error(`The native backend is unavailable: ${runtime.reason}`);
  if (!registered) {
    // Priority 0: tfjs never picks it on its own; initBackend / tf.setBackend('native') does.
    tf.registerBackend(NATIVE_BACKEND_NAME, () => new NativeBackend(runtime.addon), 0);
    inheritKernels('cpu', NATIVE_BACKEND_NAME);
    for (const config of NATIVE_KERNELS) registerKernelReplacing({ ...config, backendName: NATIVE_BACKEND_NAME });
    registered = true;
  }
  return NATIVE_KERNELS.map((k) => k.kernelName);
}

/**
 * What core's backend selection calls (its BackendProvider contract, matched structurally: this package knows
 * nothing of the framework). `init` registers the backend and sets its thread count; the caller activates it.
 */
export const nativeBackendProvider = {
  name: NATIVE_BACKEND_NAME,
  unavailableReason(): string | null {
    const runtime = nativeRuntime();
    return 'addon' in runtime ? null : runtime.reason;
  },
  async init(options: { readonly threads: number }): Promise<string> {
    const kernels = registerNativeBackend();
    const runtime = nativeRuntime() as { addon: RuntimeAddon };
    const threads = runtime.addon.setNumThreads(Math.max(1, Math.floor(options.threads)));
    const lib = runtime.addon.libraryInfo();
    return `oneDNN ${lib.dnnlVersion}, ${threads} thread${threads === 1 ? '' : 's'}, ${kernels.length} native kernels, the rest tfjs-cpu`;
  },
};
