/**
 * The single loader of build/Release/fedkern.node. It tries each candidate path, collects every failure, and
 * reports one status: loaded (with the path) or not (with the reasons and what to do). Nothing here throws; the
 * kernel wrappers decide between the native kernels, the TypeScript reference and an error.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

import type { NativeAddon } from './addon-functions.js';
import { addonDamage } from './addon-integrity.js';
import { applyOpenMpDefaults } from './openmp-env.js';
import type { CudaInfo } from './types.js';

// The addon object's type is generated from kernels.table.mjs (scripts/generate-kernels.mjs).
export type { NativeAddon } from './addon-functions.js';

// --- native backend: operation names of the elementwise kernels ---
export type UnaryOpName = 'relu' | 'step' | 'square' | 'sqrt' | 'rsqrt' | 'exp' | 'log' | 'neg' | 'abs' | 'reciprocal' | 'sigmoid' | 'tanh';
export type BinaryOpName = 'add' | 'sub' | 'mul' | 'div' | 'maximum' | 'minimum' | 'pow' | 'squaredDifference';
export type CompareOpName = 'equal' | 'notEqual' | 'greater' | 'greaterEqual' | 'less' | 'lessEqual';
export type ReduceOpName = 'sum' | 'mean' | 'max' | 'min';
// --- end elementwise ---

/** allocHostBuffer memory still referenced by JS (pooled or in tensors). */
export interface HostMemoryStats {
  readonly liveBuffers: number;
  readonly liveBytes: number;
  readonly totalAllocations: number;
}

/** What the addon was built with. */
export interface LibraryInfo {
  readonly dnnl: boolean;
  readonly dnnlVersion: string | null;
  readonly openmp: boolean;
  readonly threads: number;
}

/** Whether the native addon is in use, and if not, why. */
export type NativeStatus = { readonly loaded: true; readonly path: string } | { readonly loaded: false; readonly reason: string };

/** Paths tried in order: $FEDKERN_ADDON_PATH, then the cmake-js outputs (this file lives in src/ or dist/). */
export function defaultCandidates(): string[] {
  const fromEnv = process.env['FEDKERN_ADDON_PATH'];
  const local = ['Release', 'Debug'].map((config) => fileURLToPath(new URL(`../build/${config}/fedkern.node`, import.meta.url)));
  return fromEnv ? [fromEnv, ...local] : local;
}

const REMEDIES =
  'Possible solutions: build it with `npm run build:native -w @fedloge/cuda-kernels` (needs cmake ≥ 3.18 and a C++17 ' +
  'compiler; nvcc optional) and read its output; or set FEDKERN_ADDON_PATH to a built fedkern.node.';

/** Tries to load the addon from `candidates`; returns the addon (or null) and the status. Never throws. */
export function loadAddon(candidates: readonly string[]): { addon: NativeAddon | null; status: NativeStatus } {
  if ((process.env['FEDKERN_NATIVE'] ?? '').toUpperCase() === 'OFF') {
    return { addon: null, status: { loaded: false, reason: 'disabled by FEDKERN_NATIVE=OFF' } };
  }
  // Before the first dlopen: libgomp reads its settings only then (openmp-env.ts says why the waiting policy matters).
  applyOpenMpDefaults();
  const require = createRequire(import.meta.url);
  const failures: string[] = [];
  for (const path of candidates) {
    if (!existsSync(path)) {
      failures.push(`${path}: not found`);
      continue;
    }
    // Checked before `require`: loading a truncated library kills the process (SIGBUS), it does not throw.
    const damage = addonDamage(path);
    if (damage !== null) {
      failures.push(`${path} ${damage}; rebuild it with \`npm run build:native -w @fedloge/cuda-kernels\``);
      continue;
    }
    try {
      const addon = require(path) as NativeAddon;
      if (typeof addon.csrProjectForward !== 'function' || typeof addon.cudaInfo !== 'function') {
        failures.push(`${path}: loaded, but it is not fedkern.node (exports ${Object.keys(addon).join(', ')})`);
        continue;
      }
      return { addon, status: { loaded: true, path } };
    } catch (error) {
      // e.g. ERR_DLOPEN_DISABLED under `node --no-addons`, or an ABI/glibc mismatch.
      failures.push(`${path}: ${(error as Error).message}`);
    }
  }
  return { addon: null, status: { loaded: false, reason: `could not load fedkern.node (${failures.join('; ')}). ${REMEDIES}` } };
}

let cached: { addon: NativeAddon | null; status: NativeStatus } | undefined;

function loaded(): { addon: NativeAddon | null; status: NativeStatus } {
  cached ??= loadAddon(defaultCandidates());
  return cached;
}

/** The addon, or null when it could not be loaded (see {@link nativeStatus}). Loaded once, on first use. */
export function nativeAddon(): NativeAddon | null {
  return loaded().addon;
}

/** Whether the native kernels are loaded, with the path, or the reason they are not and how to fix it. */
export function nativeStatus(): NativeStatus {
  return loaded().status;
}

/**
 * What the CUDA runtime reports: {compiled, available, devices, deviceNames, error}. Never throws; without the addon
 * it reports compiled=false with the load failure as the error.
 */
export function cudaInfo(): CudaInfo {
  const { addon, status } = loaded();
  if (!addon) {
    return {
      compiled: false,
      available: false,
      devices: 0,
      deviceNames: [],
      error: `native addon not loaded: ${status.loaded ? '' : status.reason}`,
    };
  }
  return addon.cudaInfo();
}
