// The start-up self-test over the emulated device (the GPU kernels' TypeScript side over host memory, as in
// gpu-kernels.test.ts): it passes when the kernels are right, and names the case when a kernel computes a wrong value,
// throws, or is not on the device at all (a CPU fallback would match the cpu backend trivially).
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';

import { nativeAddon } from '../../load.js';
import { hostKernels } from './__fixtures__/host-device.js';
import { HostMemory } from './__fixtures__/host-memory.js';
import { CudaBackend } from './cuda-backend.js';
import type { CudaBackendAddon } from './device.js';
import { CUDA_KERNELS } from './kernels/index.js';
import { registerCudaBackendVariant } from './register.js';
import { cudaSelfTest } from './self-test.js';

const addon = nativeAddon();
const probe = addon?.cudaConvIndexMap;
const note = probe ? '' : ' (skipped: fedkern.node is not built or predates the cuda backend; its index maps are needed)';

/** Registers an emulated-device backend whose kernels are the host emulation with `patch` applied. */
function variant(name: string, patch: (k: ReturnType<typeof hostKernels>, memory: HostMemory) => void, kernels = CUDA_KERNELS): string {
  registerCudaBackendVariant(
    name,
    () => {
      const memory = new HostMemory();
      const k = hostKernels(memory, probe!.bind(addon));
      patch(k, memory);
      return new CudaBackend(memory, k as unknown as CudaBackendAddon);
    },
    kernels,
  );
  return name;
}

describe(`cudaSelfTest over an emulated device${note}`, () => {
  afterEach(async () => {
    await tf.setBackend('cpu');
  });

  it.skipIf(!probe)('passes for correct kernels and restores the active backend', async () => {
    const name = variant('self-test-good', () => {});
    await tf.setBackend('cpu');
    expect(await cudaSelfTest(name)).toBeNull();
    expect(tf.getBackend()).toBe('cpu');
  });

  it.skipIf(!probe)('names the case when a GEMM result is off by more than TF32 rounding', async () => {
    const name = variant('self-test-bad-gemm', (k, memory) => {
      const gemm = k.cudaBatchMatMul.bind(k);
      k.cudaBatchMatMul = (a, b, c, batch, m, n, kk, ta, tb, sa, sb) => {
        gemm(a, b, c, batch, m, n, kk, ta, tb, sa, sb);
        memory.view(c, Float32Array)[m * n - 1]! += 0.5; // the last tile's last element, as an edge-tile bug would
      };
    });
    expect(await cudaSelfTest(name)).toMatch(/^matMul 65×100 · 100×17, output 0: element 1104 is .*, the cpu backend gives/);
  });

  it.skipIf(!probe)('reports a kernel that throws (a CUDA error) as a failure, not a crash', async () => {
    const name = variant('self-test-throws', (k) => {
      k.cudaMaxPool = () => {
        throw new Error('maxPool: cudaErrorNoKernelImageForDevice: no kernel image is available for execution on the device');
      };
    });
    expect(await cudaSelfTest(name)).toBe(
      'a kernel failed: maxPool: cudaErrorNoKernelImageForDevice: no kernel image is available for execution on the device',
    );
  });

  it.skipIf(!probe)('fails when the kernels ran on the CPU fallback instead of the device', async () => {
    const name = variant('self-test-fallback-only', () => {}, []);
    expect(await cudaSelfTest(name)).toMatch(/^BatchMatMul, Conv2D, .*Softmax ran on the CPU fallback instead of the device$/);
  });
});
