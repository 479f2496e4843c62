import { createRequire } from 'node:module';

import { afterEach, describe, expect, it, vi } from 'vitest';

import { cudaInfo, loadAddon, nativeStatus } from './load.js';

describe('addon loader', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
    vi.restoreAllMocks();
  });

  it('reports every missing candidate and how to fix it, without throwing', () => {
    const { addon, status } = loadAddon(['/nonexistent/a/fedkern.node', '/nonexistent/b/fedkern.node']);
    expect(addon).toBeNull();
    expect(status.loaded).toBe(false);
    if (!status.loaded) {
      expect(status.reason).toContain('/nonexistent/a/fedkern.node: not found');
      expect(status.reason).toContain('/nonexistent/b/fedkern.node: not found');
      expect(status.reason).toContain('Possible solutions');
    }
  });

  it('rejects a loadable module that is not fedkern.node', () => {
    // any CommonJS file stands in for a wrong .node: it loads but lacks the kernels
    const { status } = loadAddon([createRequire(import.meta.url).resolve('node-addon-api')]);
    expect(status.loaded).toBe(false);
    if (!status.loaded) expect(status.reason).toMatch(/is not fedkern.node/);
  });

  it('FEDKERN_NATIVE=OFF disables the addon, and the wrappers fall back to the reference with one warning', async () => {
    vi.stubEnv('FEDKERN_NATIVE', 'OFF');
    vi.resetModules();
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const fresh = await import('./index.js');
    expect(fresh.nativeStatus()).toEqual({ loaded: false, reason: 'disabled by FEDKERN_NATIVE=OFF' });
    const info = fresh.cudaInfo();
    expect(info.available).toBe(false);
    expect(info.error).toContain('FEDKERN_NATIVE=OFF');
    const w = new Float32Array([3, 4]);
    expect(Array.from(fresh.renormRows(w, 2, 1))).toEqual([Math.fround(0.6), Math.fround(0.8)]);
    fresh.renormRows(w, 2, 1);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toMatch(/native kernels unavailable.*FEDKERN_NATIVE=OFF/);
    expect(warn.mock.calls[0]![1]).toMatchObject({ code: 'FEDKERN_FALLBACK' });
    warn.mockRestore();
    expect(() => fresh.renormRows(w, 2, 1, { device: 'cuda' })).toThrow(/renormRows: CUDA kernels unavailable: native addon not loaded/);
  });

  it('cudaInfo has the documented shape and agrees with nativeStatus', () => {
    const info = cudaInfo();
    expect(typeof info.compiled).toBe('boolean');
    expect(info.devices).toBe(info.deviceNames.length);
    expect(info.available).toBe(info.compiled && info.devices > 0);
    if (!info.available) expect(info.error).toMatch(/\S/);
    if (!nativeStatus().loaded) expect(info.compiled).toBe(false);
  });
});
