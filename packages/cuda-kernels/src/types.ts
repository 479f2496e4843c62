/** Where a kernel runs. `'cpu'`: the native C++ kernels (multi-threaded), or the TypeScript reference when the
 * addon is not loaded. `'cuda'`: the native CUDA kernels on device 0; an Error when there is no usable device. */
export type Device = 'cpu' | 'cuda';

/**
 * A sparse float32 matrix [rows × cols] in CSR (compressed sparse row) layout: the non-zeros of row r are
 * `values[rowPtr[r] .. rowPtr[r+1])` at columns `colIdx[same range]`. As a projection matrix the rows are outputs
 * (classes) and the columns feature dimensions, so S is [C × d] and logits = f · Sᵀ + b.
 * Build one from a dense matrix with {@link denseToCsr}.
 */
export interface CsrMatrix {
  readonly rows: number;
  readonly cols: number;
  /** rows + 1 offsets into colIdx/values; rowPtr[0] = 0, non-decreasing. */
  readonly rowPtr: Int32Array;
  /** Column of each non-zero, in [0, cols). */
  readonly colIdx: Int32Array;
  /** Value of each non-zero. */
  readonly values: Float32Array;
}

/** Options shared by every kernel wrapper. */
export interface KernelOptions {
  /** Where to run. @default 'cpu' */
  device?: Device;
}

/** Options of kernels that produce one array: an optional caller-owned output buffer (reused, never reallocated). */
export interface OutputOptions extends KernelOptions {
  /** Buffer to write the result into; must have exactly the result's length. @default a new Float32Array */
  out?: Float32Array;
}

/** What the CUDA runtime says about this machine (see {@link cudaInfo}). */
export interface CudaInfo {
  /** The addon was built with CUDA kernels. */
  readonly compiled: boolean;
  /** compiled and at least one device usable. */
  readonly available: boolean;
  /** Number of visible devices. */
  readonly devices: number;
  /** One "name (sm_XY)" per device. */
  readonly deviceNames: readonly string[];
  /** Why CUDA is not available (e.g. "cudaErrorInsufficientDriver: ..."); null when it is. */
  readonly error: string | null;
}
