// Test data and comparisons shared by the kernel tests. Randomness comes only from core's seeded Rng.
import type { Rng } from '@fedloge/core/data';
import { expect } from 'vitest';

import { denseToCsr } from '../csr.js';
import { cudaInfo, nativeStatus } from '../load.js';
import type { CsrMatrix } from '../types.js';

/** n standard-normal float32 values times `std`. */
export function randomFloats(rng: Rng, n: number, std = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.normal(0, std);
  return out;
}

/** n labels in [0, classes). */
export function randomLabels(rng: Rng, n: number, classes: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.int(classes);
  return out;
}

export interface SparseCase {
  dense: Float32Array;
  s: CsrMatrix;
}

/**
 * A random [classes × dim] matrix with a `sparsity` fraction of zeros (FedLoGe uses 0.6), optionally with class row
 * `zeroRow` and feature column `zeroCol` forced to zero (a class with no support, a feature no class reads).
 */
export function randomSparse(
  rng: Rng,
  classes: number,
  dim: number,
  { sparsity = 0.6, zeroRow, zeroCol }: { sparsity?: number; zeroRow?: number; zeroCol?: number } = {},
): SparseCase {
  const dense = new Float32Array(classes * dim);
  for (let c = 0; c < classes; c++) {
    for (let j = 0; j < dim; j++) {
      if (c === zeroRow || j === zeroCol || rng.float() < sparsity) continue;
      dense[c * dim + j] = rng.normal(0, 1 / Math.sqrt(dim));
    }
  }
  return { dense, s: denseToCsr(dense, dim) };
}

/**
 * Asserts |actual − expected| ≤ rtol · (|expected| + max|expected|) elementwise: relative error `rtol` with a
 * floor at the array's scale, so entries that cancel to ~0 are not held to an impossible relative bound.
 */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]!));
  let worst = 0;
  let worstAt = -1;
  for (let i = 0; i < expected.length; i++) {
    const excess = Math.abs(actual[i]! - expected[i]!) - rtol * (Math.abs(expected[i]!) + scale);
    if (!(excess <= worst)) {
      worst = excess;
      worstAt = i;
    }
  }
  if (worstAt >= 0) {
    expect.fail(`element ${worstAt}: ${actual[worstAt]} vs expected ${expected[worstAt]} (rtol ${rtol}, scale ${scale})`);
  }
}

const status = nativeStatus();
const cuda = cudaInfo();

/** True when the native addon is loaded; otherwise the reason is printed once per test file. */
export const nativeLoaded = status.loaded;
/** Suffix for test names that need the addon, e.g. " [skipped: could not load fedkern.node ...]". */
export const nativeSkipNote = status.loaded ? '' : ` [skipped: ${status.reason}]`;
/** True when CUDA kernels can run here. */
export const cudaAvailable = cuda.available;
/** Suffix for CUDA test names saying why they are skipped. */
export const cudaSkipNote = cuda.available ? '' : ` [skipped: no usable CUDA device: ${cuda.error}]`;

if (!status.loaded) console.warn(`[cuda-kernels tests] native kernel tests skipped: ${status.reason}`);
// On a machine that must have a GPU, skipped CUDA tests would read as a pass: fail every file that uses them instead.
if (process.env['FEDKERN_REQUIRE_CUDA'] === '1' && !cuda.available) {
  throw new Error(`FEDKERN_REQUIRE_CUDA=1 but no usable CUDA device: ${cuda.error}`);
}
if (!cuda.available) console.warn(`[cuda-kernels tests] CUDA kernel tests skipped: ${cuda.error}`);
