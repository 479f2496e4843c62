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
