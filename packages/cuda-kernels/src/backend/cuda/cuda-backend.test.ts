// The `cuda` backend on a machine without a GPU: the provider reports why it cannot start, core's selection turns
// that into a clear error (`--backend cuda`) or a skip with the reason (`auto`), and the backend's storage, reference
// counting and counted CPU fallback run over host memory through every parity case.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { initBackend, registerBackendProvider, type Logger } from '@fedloge/core';

import { nativeAddon } from '../../load.js';
import { HostMemory } from './__fixtures__/host-memory.js';
import { expectCaseParity, PARITY_CASES } from './__fixtures__/parity-cases.js';
import { CudaBackend } from './cuda-backend.js';
import { cudaBackendProvider, cudaRuntime, describeFallbacks, registerCudaBackendVariant } from './register.js';

const HOST = 'cuda-host-test';
let memory: HostMemory | undefined;
registerCudaBackendVariant(HOST, () => new CudaBackend((memory = new HostMemory()), null), []);

const runtime = cudaRuntime();
const deviceHere = 'addon' in runtime;
const silent: Logger = { info() {}, warn() {}, debug() {} };

describe('cuda backend provider on this machine', () => {
  it.skipIf(deviceHere)("reports why it is unavailable, with the addon's reason", () => {
    const reason = cudaBackendProvider.unavailableReason();
    expect(reason).toBeTruthy();
    const status = nativeAddon()?.cudaDeviceStatus?.();
    if (status) {
      expect(status.available).toBe(false);
      // A CUDA build without a driver says cudaErrorInsufficientDriver (or NoDevice); a CPU-only build says so.
      expect(reason).toContain(status.compiled ? status.reason! : 'built without CUDA');
    }
  });

  it.skipIf(deviceHere)('--backend cuda fails with that reason; auto skips cuda with it', async () => {
    registerBackendProvider(cudaBackendProvider);
    const reason = cudaBackendProvider.unavailableReason()!;
    await expect(initBackend({ backend: 'cuda', logger: silent })).rejects.toThrow(
      `Backend 'cuda' was requested but is unavailable: ${reason}`,
    );
    const info = await initBackend({ backend: 'auto', logger: silent });
    expect(info.name).not.toBe('cuda');
    expect(info.skipped).toContainEqual({ name: 'cuda', reason });
  });

  it('the device calls throw JS errors instead of crashing when no device is usable', () => {
    const addon = nativeAddon();
    if (!addon?.cudaAlloc || deviceHere) return;
    expect(() => addon.cudaAlloc!(1024)).toThrow(/CUDA unavailable/);
    expect(() => addon.cudaUnary!(0, 1, 2, 4, 0, 0)).toThrow(/CUDA unavailable/);
    expect(() => addon.cudaAlloc!(-1)).toThrow(/non-negative integer/);
  });
});

describe('cuda backend storage and CPU fallback (over host memory)', () => {
  it.each(PARITY_CASES.map((c) => [c.name, c] as const))('%s matches the cpu backend', async (_name, c) => {
    await expectCaseParity(HOST, c);
  });

  it('counts fallbacks per kernel and frees every buffer it made', async () => {
    await tf.setBackend(HOST);
    const backend = tf.backend() as CudaBackend;
    const before = backend.fallbackCounts()['Conv2D'] ?? 0;
    const liveBefore = memory!.liveBuffers;
    tf.tidy(() => tf.conv2d(tf.ones([1, 4, 4, 1]) as tf.Tensor4D, tf.ones([2, 2, 1, 1]) as tf.Tensor4D, 1, 'valid').dataSync());
    expect(backend.fallbackCounts()['Conv2D']).toBe(before + 1);
    expect(memory!.liveBuffers).toBe(liveBefore);
    expect(describeFallbacks({ Conv2D: 3, Exp: 1 })).toBe(
      'cuda backend: 4 kernel calls ran on the CPU fallback (download → tfjs-cpu → upload): Conv2D×3, Exp×1',
    );
    expect(describeFallbacks({})).toBeNull();
  });

  it('keeps a buffer alive while a reshaped view of it lives, and reads return copies', async () => {
    await tf.setBackend(HOST);
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const flat = tf.reshape(x, [6]);
    const read = x.dataSync();
    x.dispose();
    read[0] = 99;
    expect(Array.from(flat.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    flat.dispose();
    expect(tf.memory().numTensors).toBe(0);
  });

  it('frees every buffer it still holds when the backend is disposed', () => {
    const mem = new HostMemory();
    const backend = new CudaBackend(mem, null);
    backend.write(new Float32Array([1, 2, 3]), [3], 'float32');
    backend.write(new Int32Array([4]), [1], 'int32');
    expect(mem.liveBuffers).toBe(2);
    backend.dispose();
    expect(mem.liveBuffers).toBe(0);
    expect(backend.numDataIds()).toBe(0);
  });

  it('stores int32, bool and string tensors', async () => {
    await tf.setBackend(HOST);
    tf.tidy(() => {
      expect(Array.from(tf.tensor1d([1, -2, 3], 'int32').add(tf.scalar(1, 'int32')).dataSync())).toEqual([2, -1, 4]);
      expect(Array.from(tf.tensor1d([1, 0, 1], 'bool').logicalNot().dataSync())).toEqual([0, 1, 0]);
      expect(tf.tensor1d(['a', 'bc']).arraySync()).toEqual(['a', 'bc']);
    });
  });
});
