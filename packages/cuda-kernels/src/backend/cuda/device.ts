/**
 * The device side of the `cuda` backend as TypeScript sees it: the addon's raw functions (src/binding/cuda_backend.cc;
 * buffers are integer handles into a table in C++), and the small memory interface the backend stores tensors
 * through, so that its bookkeeping can also run over host memory in tests on machines without a GPU.
 */
import type { CudaBackendAddon } from '../../addon-functions.js';

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

// The addon's `cuda*` functions are typed from kernels.table.mjs (arguments are checked in C++ as well: a wrong call
// throws, never crashes).
export type { CudaBackendAddon } from '../../addon-functions.js';

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
