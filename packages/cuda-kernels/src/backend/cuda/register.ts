/**
 * Registers the `cuda` tfjs backend: the factory, every tfjs-cpu kernel as the counted CPU fallback (so no kernel is
 * ever "not registered for backend cuda"), then the GPU kernels of ./kernels over them. Also the provider that core's
 * backend selection asks (`--backend cuda`, and `auto`'s first choice when a usable device and a CUDA build exist).
 */
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';

import { nativeAddon, nativeStatus } from '../../load.js';
import { inheritKernels, registerKernelReplacing } from '../kernel-registry.js';
import { CudaBackend } from './cuda-backend.js';
import { addonMemory, type CudaBackendAddon } from './device.js';
import { CUDA_KERNELS } from './kernels/index.js';
import { cudaSelfTest } from './self-test.js';

export const CUDA_BACKEND_NAME = 'cuda' as const;

/** The addon when it has a usable CUDA device, else why not (and how to fix it). Never throws. */
export function cudaRuntime(): { addon: CudaBackendAddon } | { reason: string } {
  const addon = nativeAddon();
  if (!addon) {
    const status = nativeStatus();
    return { reason: status.loaded ? 'the native addon is not loaded' : status.reason };
  }
  if (typeof addon.cudaDeviceStatus !== 'function') {
    return { reason: 'fedkern.node predates the cuda backend; rebuild it with `npm run build:native -w @fedloge/cuda-kernels`' };
  }
  const status = addon.cudaDeviceStatus();
  if (!status.compiled) return { reason: status.reason ?? 'fedkern.node was built without CUDA' };
  if (!status.available) return { reason: `no usable CUDA device: ${status.reason ?? 'unknown reason'}` };
  if (status.lost) return { reason: `the CUDA device was lost earlier in this process: ${status.lost}` };
  return { addon: addon as CudaBackendAddon };
}

/** Registers a fallback for every tfjs-cpu kernel under `backendName`, then `gpuKernels` over them. */
export function registerCudaKernels(backendName: string, gpuKernels: readonly tf.KernelConfig[]): void {
  inheritKernels('cpu', backendName, ({ kernelName, kernelFunc }) => ({
    kernelName,
    backendName,
    kernelFunc: ({ inputs, attrs, backend }) => (backend as CudaBackend).runOnCpu(kernelName, kernelFunc, inputs, attrs),
  }));
  for (const config of gpuKernels) registerKernelReplacing({ ...config, backendName });
}

/**
 * Registers a variant of the cuda backend under another name: `create` makes its backend (over any DeviceMemory and
 * kernel set), `gpuKernels` override the fallbacks. Tests use it to run the storage, the fallback and the GPU kernels'
 * TypeScript side over host memory on machines without a GPU.
 */
export function registerCudaBackendVariant(backendName: string, create: () => CudaBackend, gpuKernels: readonly tf.KernelConfig[]): void {
  if (tf.findBackendFactory(backendName)) return;
  tf.registerBackend(backendName, create, 0);
  registerCudaKernels(backendName, gpuKernels);
}

let registered = false;

/** Registers the `cuda` backend and its kernels once; returns the GPU kernel names. Throws when unavailable. */
export function registerCudaBackend(): readonly string[] {
  const runtime = cudaRuntime();
  if (!('addon' in runtime)) throw new Error(`The cuda backend is unavailable: ${runtime.reason}`);
  if (!registered) {
    const addon = runtime.addon;
    // Priority 0: tfjs never picks it on its own; initBackend / tf.setBackend('cuda') does.
    tf.registerBackend(CUDA_BACKEND_NAME, () => new CudaBackend(addonMemory(addon), addon, () => addon.cudaSynchronize()), 0);
    registerCudaKernels(CUDA_BACKEND_NAME, CUDA_KERNELS);
    registered = true;
  }
  return CUDA_KERNELS.map((k) => k.kernelName);
}

/** Kernels that ran on the CPU fallback so far in this thread, by name (empty before the backend starts). */
export function cudaFallbackCounts(): Record<string, number> {
  const backend = tf.findBackend(CUDA_BACKEND_NAME) as CudaBackend | null;
  return backend ? backend.fallbackCounts() : {};
}

/** One line naming the kernels that fell back to the CPU, most frequent first; null when none did. */
export function describeFallbacks(counts: Record<string, number>): string | null {
  const entries = Object.entries(counts);
  if (entries.length === 0) return null;
  const total = entries.reduce((s, [, n]) => s + n, 0);
  return (
    `cuda backend: ${total} kernel calls ran on the CPU fallback (download → tfjs-cpu → upload): ` +
    entries.map(([name, n]) => `${name}×${n}`).join(', ')
  );
}

let reportScheduled = false;

/**
 * What core's backend selection calls (its BackendProvider contract, matched structurally). `init` registers the
 * backend and schedules the once-per-run fallback report (stderr at exit; FEDKERN_CUDA_FALLBACK_REPORT=0 silences it).
 */
export const cudaBackendProvider = {
  name: CUDA_BACKEND_NAME,
  unavailableReason(): string | null {
    const runtime = cudaRuntime();
    return 'addon' in runtime ? null : runtime.reason;
  },
  async init(_options: { readonly threads: number }): Promise<string> {
    const kernels = registerCudaBackend();
    const status = (cudaRuntime() as { addon: CudaBackendAddon }).addon.cudaDeviceStatus();
    if (!reportScheduled && process.env['FEDKERN_CUDA_FALLBACK_REPORT'] !== '0') {
      reportScheduled = true;
      process.once('exit', () => {
        const line = describeFallbacks(cudaFallbackCounts());
        if (line) process.stderr.write(`${line}\n`);
      });
    }
    const gib = (status.totalMemoryBytes / 2 ** 30).toFixed(0);
    return (
      `cuda (${status.deviceName}, ${gib} GiB, ${status.tensorCores ? 'TF32 tensor cores' : 'FP32'}; ` +
      `${kernels.length} GPU kernels, the rest tfjs-cpu via counted download/upload)`
    );
  },
  /** GPU kernels against tfjs-cpu on small fixed inputs (./self-test.ts); core runs it before `auto` may pick cuda. */
  selfTest(): Promise<string | null> {
    return cudaSelfTest(CUDA_BACKEND_NAME);
  },
};
