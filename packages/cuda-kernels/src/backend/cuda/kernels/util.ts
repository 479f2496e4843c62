/**
 * Plumbing shared by the GPU kernels of the `cuda` backend: the backend and addon of a call, buffer handles, fresh
 * outputs, and the way back to the counted CPU fallback when a call is outside what the GPU kernel handles (another
 * dtype, a layout or rank it does not cover).
 */
import * as tf from '@tensorflow/tfjs-core';
import { util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';

import type { CudaBackend } from '../cuda-backend.js';
import type { CudaBackendAddon, Handle } from '../device.js';

type KernelArgs = Parameters<KernelFunc>[0];

export interface GpuCall {
  readonly backend: CudaBackend;
  readonly addon: CudaBackendAddon;
}

/** The backend and its kernels; throws when the backend has none (the host-memory test backend never gets here). */
export function gpuOf(args: KernelArgs): GpuCall {
  const backend = args.backend as CudaBackend;
  if (!backend.addon) throw new Error('cuda backend: GPU kernel called on a backend without a device');
  return { backend, addon: backend.addon };
}

/** Runs the tfjs-cpu kernel `name` through the counted download → cpu → upload path. */
export function onCpu(name: string, args: KernelArgs): TensorInfo | TensorInfo[] {
  const config = tf.getKernel(name, 'cpu');
  if (!config) throw new Error(`cuda backend: no GPU kernel for this call of ${name}, and tfjs-cpu has none either`);
  return (args.backend as CudaBackend).runOnCpu(name, config.kernelFunc, args.inputs, args.attrs);
}

/** The device buffer of a non-empty tensor. */
export function handle(backend: CudaBackend, t: TensorInfo): Handle {
  const h = backend.handleOf(t);
  if (h === null) throw new Error('cuda backend: an empty tensor has no device buffer');
  return h;
}

export const sizeOf = (shape: readonly number[]): number => util.sizeFromShape([...shape]);

/** A KernelConfig for the cuda backend (register.ts sets the backend name). */
export function gpuKernel(kernelName: string, kernelFunc: KernelFunc): KernelConfig {
  return { kernelName, backendName: 'cuda', kernelFunc };
}
