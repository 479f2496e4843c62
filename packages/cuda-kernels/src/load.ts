/**
 * The single loader of build/Release/fedkern.node. It tries each candidate path, collects every failure, and
 * reports one status: loaded (with the path) or not (with the reasons and what to do). Nothing here throws; the
 * kernel wrappers decide between the native kernels, the TypeScript reference and an error.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

import type { CudaBackendAddon } from './backend/cuda/device.js';
import { addonDamage } from './addon-integrity.js';
import { applyOpenMpDefaults } from './openmp-env.js';
import type { CsrMatrix, CudaInfo, Device } from './types.js';

/**
 * The raw functions exported by fedkern.node (see src/binding/*.cc). Callers must pass validated arguments. The `cuda*`
 * functions of the cuda backend are typed in src/backend/cuda/device.ts (optional: absent from older builds).
 */
export interface NativeAddon extends Partial<CudaBackendAddon> {
  etfProjectForward(f: Float32Array, batch: number, s: CsrMatrix, bias: Float32Array | null, out: Float32Array, device: Device): void;
  etfProjectBackward(gradLogits: Float32Array, batch: number, s: CsrMatrix, out: Float32Array, device: Device): void;
  etfCrossEntropy(
    f: Float32Array,
    batch: number,
    s: CsrMatrix,
    bias: Float32Array | null,
    labels: Int32Array,
    gradF: Float32Array,
    device: Device,
  ): number;
  renormRows(w: Float32Array, rows: number, cols: number, scale: number, out: Float32Array, device: Device): void;
  localRealign(
    g: Float32Array,
    classes: number,
    dim: number,
    locals: Float32Array,
    clients: number,
    masked: Uint8Array | null,
    out: Float32Array,
    device: Device,
  ): void;
  cudaInfo(): CudaInfo;

  // Native tensor backend runtime (src/binding/runtime.cc); absent from addons built before it.
  /** ArrayBuffer over 64-byte aligned, uninitialised native memory, freed when the buffer is garbage-collected. */
  allocHostBuffer?(bytes: number): ArrayBuffer;
  hostMemoryStats?(): HostMemoryStats;
  /** Threads for oneDNN / OpenMP on the calling JS thread; returns the count now in force. */
  setNumThreads?(threads: number): number;
  libraryInfo?(): LibraryInfo;

  // Native backend: oneDNN convolutions, matmul, max pooling (src/binding/dnnl_conv.cc, dnnl_matmul.cc, max_pool.cc).
  /** y (NHWC) = conv(x NHWC, w HWIO); geometry: the 17 ints from conv2dGeometry() in src/backend/kernels/conv2d-geometry.ts. */
  conv2dForward?(x: Float32Array, w: Float32Array, geometry: Int32Array, y: Float32Array): void;
  /** dx (NHWC) of a convolution, from dy (NHWC) and w (HWIO). */
  conv2dBackwardInput?(dy: Float32Array, w: Float32Array, geometry: Int32Array, dx: Float32Array): void;
  /** dw (HWIO) of a convolution, from x (NHWC) and dy (NHWC). */
  conv2dBackwardFilter?(x: Float32Array, dy: Float32Array, geometry: Int32Array, dw: Float32Array): void;
  /**
   * Layout of the convolutions called from this thread (benchmarks): NHWC activations with oneDNN's weight layout
   * (default), oneDNN's blocked layouts for everything (reorders around each call), or plain NHWC/HWIO.
   */
  setConvLayout?(layout: 'nhwc' | 'blocked' | 'plain'): void;
  // --- Fused training kernels of the native backend (src/binding/batch_norm.cc, src/binding/sgd.cc) ---
  /** Training-mode batch norm over the [m, c] view of x: writes y [m·c], mean [c], biased variance [c]. */
  batchNormTrainForward?(
    x: Float32Array,
    m: number,
    c: number,
    gamma: Float32Array,
    beta: Float32Array,
    eps: number,
    y: Float32Array,
    mean: Float32Array,
    variance: Float32Array,
  ): void;
  /** Its gradient: writes dx [m·c], dGamma [c], dBeta [c]. */
  batchNormTrainBackward?(
    dy: Float32Array,
    x: Float32Array,
    m: number,
    c: number,
    gamma: Float32Array,
    mean: Float32Array,
    variance: Float32Array,
    eps: number,
    dx: Float32Array,
    dGamma: Float32Array,
    dBeta: Float32Array,
  ): void;
  /**
   * One SGD-momentum step for many tensors (PyTorch semantics): vs null on the first step; vs and vOuts null when
   * momentum is 0. Writes wOuts[i] (and vOuts[i]); inputs are not modified.
   */
  sgdMomentumUpdate?(
    ws: readonly Float32Array[],
    gs: readonly Float32Array[],
    vs: readonly Float32Array[] | null,
    lr: number,
    momentum: number,
    weightDecay: number,
    wOuts: readonly Float32Array[],
    vOuts: readonly Float32Array[] | null,
  ): void;
  // --- end fused training kernels ---
  /**
   * c[max(batchA, batchB), m, n] = op(a) · op(b): a is [batchA, m, k] ([batchA, k, m] when transposeA), b is
   * [batchB, k, n] ([batchB, n, k] when transposeB); batches equal or one of them 1 (broadcast).
   */
  batchMatMul?(
    a: Float32Array,
    b: Float32Array,
    batchA: number,
    batchB: number,
    m: number,
    k: number,
    n: number,
    transposeA: boolean,
    transposeB: boolean,
    c: Float32Array,
  ): void;
  /** y = max pooling of x (NHWC) with tfjs-cpu's semantics; geometry: the 12 ints from pool2dGeometry(). */
  maxPool2d?(x: Float32Array, geometry: Int32Array, y: Float32Array): void;
  /** dx of max pooling: each dy element to the first maximum of its window in x, zero elsewhere. */
  maxPool2dBackward?(x: Float32Array, dy: Float32Array, geometry: Int32Array, dx: Float32Array): void;
  // --- native backend: elementwise, broadcast and reduction kernels (src/binding/elementwise.cc, reduce.cc) ---
  /** out[i] = op(x[i]); alpha is Step's value for x ≤ 0. */
  unaryF32?(op: UnaryOpName, x: Float32Array, alpha: number, out: Float32Array): void;
  /** NumPy-broadcast a op b into out (outShape = broadcast of aShape and bShape). */
  binaryF32?(
    op: BinaryOpName,
    a: Float32Array,
    aShape: readonly number[],
    b: Float32Array,
    bShape: readonly number[],
    out: Float32Array,
    outShape: readonly number[],
  ): void;
  /** NumPy-broadcast comparison into 0/1 bytes. */
  compareF32?(
    op: CompareOpName,
    a: Float32Array,
    aShape: readonly number[],
    b: Float32Array,
    bShape: readonly number[],
    out: Uint8Array,
    outShape: readonly number[],
  ): void;
  /** out = cond ? t : e, all of one length. */
  selectF32?(cond: Uint8Array, t: Float32Array, e: Float32Array, out: Float32Array): void;
  /** Converts between float32 / int32 / bool arrays of one length with JavaScript semantics. */
  castTensor?(x: Float32Array | Int32Array | Uint8Array, out: Float32Array | Int32Array | Uint8Array): void;
  /** out = op over the (distinct, non-negative) axes of x, in the order of the kept dimensions. */
  reduceF32?(op: ReduceOpName, x: Float32Array, shape: readonly number[], axes: readonly number[], out: Float32Array): void;
  /** Index of the extreme over the middle axis of x [outer, axisSize, inner]. */
  argReduceF32?(op: 'max' | 'min', x: Float32Array, outer: number, axisSize: number, inner: number, out: Int32Array): void;
  /** Softmax of each row of x [rows, cols]. */
  softmaxF32?(x: Float32Array, rows: number, cols: number, out: Float32Array): void;
  // --- end elementwise ---
}

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
      if (typeof addon.etfProjectForward !== 'function' || typeof addon.cudaInfo !== 'function') {
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
