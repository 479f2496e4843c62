/**
 * The device side of the `cuda` backend as TypeScript sees it: the addon's raw functions (src/binding/cuda_backend.cc;
 * buffers are integer handles into a table in C++), and the small memory interface the backend stores tensors
 * through, so that its bookkeeping can also run over host memory in tests on machines without a GPU.
 */

/** What the addon says about device 0 (`cudaDeviceStatus`). */
export interface CudaDeviceStatus {
  readonly compiled: boolean;
  readonly available: boolean;
  /** Why not available, e.g. "cudaErrorInsufficientDriver: …" or "built without CUDA …"; null when available. */
  readonly reason: string | null;
  readonly deviceName: string;
  /** 90 for sm_90. */
  readonly computeCapability: number;
  readonly totalMemoryBytes: number;
  readonly tensorCores: boolean;
  /** The architectures compiled in, e.g. "80 86 89 90 90a". */
  readonly architectures: string;
  /**
   * The first sticky CUDA error of the process (e.g. "download: cudaErrorIllegalAddress: …"), null while none; absent
   * in builds older than this field. Once set, every device call throws "CUDA device lost: …".
   */
  readonly lost?: string | null;
}

/** The caching allocator's counters (`cudaMemoryStats`). */
export interface CudaMemoryStats {
  readonly bytesInUse: number;
  readonly blocksInUse: number;
  readonly bytesCached: number;
  readonly blocksCached: number;
  readonly acquires: number;
  readonly rawAllocations: number;
  readonly trims: number;
  readonly liveHandles: number;
}

export type Handle = number;

/** Dtype codes of cudaCast. */
export const CAST_TYPE = { float32: 0, int32: 1, bool: 2 } as const;

/** The addon's `cuda*` functions. Arguments are checked in C++ as well (a wrong call throws, never crashes). */
export interface CudaBackendAddon {
  cudaDeviceStatus(): CudaDeviceStatus;
  cudaAlloc(bytes: number): Handle;
  cudaFree(handle: Handle): void;
  cudaUpload(handle: Handle, values: ArrayBufferView): void;
  cudaDownload(handle: Handle, out: ArrayBufferView): void;
  cudaMemoryStats(): CudaMemoryStats;
  cudaTrim(): void;
  cudaSynchronize(): void;
  cudaSetTf32(enabled: boolean): boolean;
  cudaUnary(op: number, x: Handle, y: Handle, n: number, alpha: number, beta: number): void;
  cudaBinary(op: number, a: Handle, b: Handle, out: Handle, shape: number[], aStrides: number[], bStrides: number[]): void;
  cudaStridedCopy(
    x: Handle,
    y: Handle,
    elementBytes: 1 | 4,
    shape: number[],
    xStrides: number[],
    yStrides: number[],
    xOffset: number,
    yOffset: number,
  ): void;
  cudaFill(y: Handle, n: number, bits: number): void;
  cudaCast(x: Handle, fromType: number, y: Handle, toType: number, n: number): void;
  cudaReduce(op: number, x: Handle, y: Handle, outer: number, inner: number): void;
  cudaBatchMatMul(
    a: Handle,
    b: Handle,
    c: Handle,
    batch: number,
    m: number,
    n: number,
    k: number,
    transposeA: boolean,
    transposeB: boolean,
    aBatchStride: number,
    bBatchStride: number,
  ): void;
  /** kind 0: (x, w) → y; 1: (dy, w) → dx; 2: (x, dy) → dw. geometry: see convGeometry() in ./geometry.ts. */
  cudaConv2d(kind: 0 | 1 | 2, geometry: number[], in0: Handle, in1: Handle, out: Handle): void;
  cudaMaxPool(geometry: number[], x: Handle, y: Handle): void;
  cudaMaxPoolGrad(geometry: number[], x: Handle, dy: Handle, dx: Handle): void;
  cudaSgdUpdate(w: Handle, g: Handle, v: Handle | null, n: number, lr: number, momentum: number, nesterov: boolean): void;

  // CPU-side probes of the host logic (compiled into every build, for tests).
  cudaConvIndexMap(
    kind: 'forward' | 'backwardData' | 'backwardFilter',
    geometry: Int32Array,
  ): { m: number; n: number; k: number; a: Float64Array; b: Float64Array | null };
  cudaAllocatorProbe(
    budgetBytes: number,
    ops: number[],
  ): {
    events: ({ capacity: number; fresh: boolean; address: number } | { error: string } | { released: number })[];
    stats: Omit<CudaMemoryStats, 'liveHandles'> & { rawBytesUsed: number };
  };
}

/** Where the backend keeps tensor memory: device buffers named by handles. */
export interface DeviceMemory {
  alloc(bytes: number): Handle;
  free(handle: Handle): void;
  /** Copies `values` to the start of the buffer. */
  upload(handle: Handle, values: ArrayBufferView): void;
  /** Fills `out` from the start of the buffer, after all queued work. */
  download(handle: Handle, out: ArrayBufferView): void;
}

/** Device memory of the addon (device 0, the caching allocator). */
export function addonMemory(addon: CudaBackendAddon): DeviceMemory {
  return {
    alloc: (bytes) => addon.cudaAlloc(bytes),
    free: (handle) => addon.cudaFree(handle),
    upload: (handle, values) => addon.cudaUpload(handle, values),
    download: (handle, out) => addon.cudaDownload(handle, out),
  };
}
