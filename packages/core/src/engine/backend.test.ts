import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../logger.js';
import { initBackend, registerBackendProvider } from './backend.js';

describe('initBackend', () => {
  it("'auto' falls back to wasm silently when no native binding is installed, with the shims", async () => {
    const logger = silentLogger();
    const info = await initBackend({ backend: 'auto', logger });
    expect(info.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(info.detail).toMatch(/XNNPACK/);
    expect(logger.warnings).toEqual([]);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
  });

  it('is idempotent and switches back to a backend chosen earlier', async () => {
    const logger = silentLogger();
    const a = await initBackend({ backend: 'wasm', logger });
    const cpu = await initBackend({ backend: 'cpu', logger });
    expect(tf.getBackend()).toBe('cpu');
    expect(cpu.name).toBe('cpu');
    const b = await initBackend({ backend: 'wasm', logger });
    expect(b).toBe(a);
    expect(tf.getBackend()).toBe('wasm');
  });

  it("does not print tfjs's Node.js banner on the cpu backend", async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      await initBackend({ backend: 'cpu', logger: silentLogger() });
      tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(2)).dataSync());
      expect(warn.mock.calls.flat().join('\n')).not.toMatch(/Hi, looks like/);
    } finally {
      warn.mockRestore();
    }
  });

  it("an explicit 'tensorflow' request that cannot load throws a clear error", async () => {
    await expect(initBackend({ backend: 'tensorflow', logger: silentLogger() })).rejects.toThrow(
      /no native TensorFlow binding could be loaded[\s\S]*tfjs-node-gpu: not installed[\s\S]*--backend wasm/,
    );
  });

  it('rejects an unknown backend name and lists the valid ones', async () => {
    await expect(initBackend({ backend: 'webgpu' as never, logger: silentLogger() })).rejects.toThrow(
      "Unknown backend 'webgpu'. Expected one of: auto, cuda, tensorflow, native, wasm, cpu",
    );
  });
});

describe('initBackend with backend providers', () => {
  it("'auto' skips an unavailable native provider with one warning and says why", async () => {
    registerBackendProvider({
      name: 'native',
      unavailableReason: () => 'built without oneDNN (install libdnnl-dev)',
      init: async () => '',
    });
    registerBackendProvider({ name: 'cuda', unavailableReason: () => 'no CUDA device', init: async () => '' });
    const logger = silentLogger();
    const info = await initBackend({ backend: 'auto', logger, threads: 3 });
    expect(info.name).toBe('wasm');
    expect(info.skipped?.map((s) => s.name)).toEqual(['cuda', 'tensorflow', 'native']);
    expect(info.skipped?.[0]?.reason).toBe('no CUDA device');
    expect(logger.warnings).toEqual([
      'The native backend is unavailable (built without oneDNN (install libdnnl-dev)); falling back to wasm.',
    ]);
  });

  it("an explicit 'native' request names the reason it is unavailable", async () => {
    registerBackendProvider({
      name: 'native',
      unavailableReason: () => 'built without oneDNN (install libdnnl-dev)',
      init: async () => '',
    });
    await expect(initBackend({ backend: 'native', logger: silentLogger() })).rejects.toThrow(
      "Backend 'native' was requested but is unavailable: built without oneDNN (install libdnnl-dev)",
    );
  });
});

describe('initBackend with a provider self-test', () => {
  /** A provider named cuda whose backend is a real tfjs-cpu copy, so init and activation succeed. */
  function cudaLikeProvider(selfTest: () => Promise<string | null>) {
    return {
      name: 'cuda' as const,
      unavailableReason: () => null,
      init: async () => {
        if (!tf.findBackendFactory('cuda')) {
          tf.registerBackend('cuda', () => new MathBackendCPU(), 0);
          for (const k of tf.getKernelsForBackend('cpu')) tf.registerKernel({ ...k, backendName: 'cuda' });
        }
        return 'a device';
      },
      selfTest,
    };
  }

  it("'auto' skips a backend whose self-test fails, with one line saying why", async () => {
    let ran = 0;
    registerBackendProvider(
      cudaLikeProvider(async () => {
        ran++;
        expect(tf.getBackend()).toBe('cuda'); // the self-test sees its backend active
        return 'matMul 65×100 · 100×17, output 0: element 3 is 0, the cpu backend gives 1.5';
      }),
    );
    registerBackendProvider({ name: 'native', unavailableReason: () => 'no oneDNN', init: async () => '' });
    const logger = silentLogger();
    const info = await initBackend({ backend: 'auto', logger, threads: 2 });
    expect(ran).toBe(1);
    expect(info.name).not.toBe('cuda');
    expect(tf.getBackend()).toBe(info.name);
    expect(info.skipped?.[0]).toEqual({
      name: 'cuda',
      reason: 'start-up self-test failed: matMul 65×100 · 100×17, output 0: element 3 is 0, the cpu backend gives 1.5',
    });
    expect(logger.warnings.filter((w) => w.includes('cuda'))).toEqual([
      'The cuda backend failed its start-up self-test (matMul 65×100 · 100×17, output 0: element 3 is 0, the cpu backend gives 1.5); falling back.',
    ]);
  });

  it("an explicit 'cuda' request whose self-test fails throws that reason", async () => {
    registerBackendProvider(cudaLikeProvider(async () => 'a kernel failed: cudaErrorIllegalAddress'));
    await expect(initBackend({ backend: 'cuda', logger: silentLogger(), threads: 5 })).rejects.toThrow(
      "Backend 'cuda' failed its start-up self-test against the cpu backend: a kernel failed: cudaErrorIllegalAddress",
    );
  });

  it("'auto' picks a backend whose self-test passes", async () => {
    registerBackendProvider(cudaLikeProvider(async () => null));
    const info = await initBackend({ backend: 'auto', logger: silentLogger(), threads: 7 });
    expect(info.name).toBe('cuda');
    expect(info.detail).toBe('a device');
    expect(tf.getBackend()).toBe('cuda');
  });
});
