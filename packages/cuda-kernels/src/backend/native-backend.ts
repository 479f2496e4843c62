/**
 * The `native` tfjs backend: tfjs-cpu's MathBackendCPU (so every stock cpu kernel works over the same memory from day
 * one) whose tensors our native kernels allocate from a caching pool of aligned native buffers. Kernels replaced by
 * native ones are listed in ./kernels/index.ts; everything else runs tfjs-cpu's JavaScript kernel.
 *
 * Reads (`dataSync`, `data`) return a copy of pooled memory, because the buffer is reused once the tensor is disposed.
 */
import { totalmem } from 'node:os';

import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { backend_util, DataType, TensorInfo } from '@tensorflow/tfjs-core';

import type { NativeAddon } from '../load.js';
import { BufferPool, type BufferPoolStats } from './buffer-pool.js';

type DataId = object;
export type NumericArray = Float32Array | Int32Array | Uint8Array;

const BYTES: Readonly<Record<string, number>> = { float32: 4, int32: 4, bool: 1 };

/**
 * How many bytes of free buffers the pool may keep: $FEDKERN_POOL_MAX_BYTES, else a quarter of the machine's memory
 * (at least 1 GiB). It must hold one training step's working set, or every step re-allocates — and first-touches —
 * the buffers it frees (a ResNet-34 step at B=32 frees over 1 GiB).
 */
export function poolCapacityBytes(): number {
  const fromEnv = Number(process.env['FEDKERN_POOL_MAX_BYTES']);
  if (Number.isFinite(fromEnv) && fromEnv >= 0) return fromEnv;
  return Math.max(2 ** 30, Math.floor(totalmem() / 4));
}

export class NativeBackend extends MathBackendCPU {
  readonly pool: BufferPool;

  constructor(readonly addon: NativeAddon & Required<Pick<NativeAddon, 'allocHostBuffer'>>) {
    super();
    this.pool = new BufferPool((bytes) => addon.allocHostBuffer(bytes), poolCapacityBytes());
    // MathBackendCPU prints a "use tfjs-node" banner on its first write; this backend is the native one.
    (this as unknown as { firstUse: boolean }).firstUse = false;
  }

  /** An uninitialised array of `size` elements of `dtype` over a pooled buffer; pass it to makeTensorInfo. */
  allocate(size: number, dtype: 'float32'): Float32Array;
  allocate(size: number, dtype: 'int32'): Int32Array;
  allocate(size: number, dtype: 'bool'): Uint8Array;
  allocate(size: number, dtype: DataType): NumericArray;
  allocate(size: number, dtype: DataType): NumericArray {
    const bytesPer = BYTES[dtype];
    if (bytesPer === undefined) throw new TypeError(`native backend: cannot allocate a ${dtype} tensor natively`);
    const buffer = this.pool.acquire(size * bytesPer);
    if (dtype === 'float32') return new Float32Array(buffer, 0, size);
    if (dtype === 'int32') return new Int32Array(buffer, 0, size);
    return new Uint8Array(buffer, 0, size);
  }

  /** A new tensor over pooled memory, filled by `fill(values)`. */
  makeOutputInfo(shape: readonly number[], dtype: DataType, fill: (values: NumericArray) => void): TensorInfo {
    const size = shape.reduce((a, b) => a * b, 1);
    const values = this.allocate(size, dtype);
    fill(values);
    return this.makeTensorInfo([...shape], dtype, values);
  }

  /** The values of a tensor held by this backend (no copy: kernels read inputs in place). */
  valuesOf(t: TensorInfo): backend_util.BackendValues {
    return this.data.get(t.dataId).values!;
  }

  override write(values: backend_util.BackendValues, shape: number[], dtype: DataType): DataId {
    const id = super.write(values, shape, dtype);
    if (values != null && ArrayBuffer.isView(values)) this.pool.retain(values.buffer);
    return id;
  }

  override move(dataId: DataId, values: backend_util.BackendValues, shape: number[], dtype: DataType, refCount: number): void {
    const previous = this.data.has(dataId) ? this.data.get(dataId).values : undefined;
    super.move(dataId, values, shape, dtype, refCount);
    if (values != null && ArrayBuffer.isView(values)) this.pool.retain(values.buffer);
    if (previous != null && ArrayBuffer.isView(previous)) this.pool.release(previous.buffer);
  }

  override disposeData(dataId: DataId, force = false): boolean {
    if (!this.data.has(dataId)) return true;
    const values = this.data.get(dataId).values;
    const released = super.disposeData(dataId, force);
    if (!this.data.has(dataId) && values != null && ArrayBuffer.isView(values)) this.pool.release(values.buffer);
    return released;
  }

  override readSync(dataId: DataId): backend_util.BackendValues {
    const values = super.readSync(dataId);
    return ArrayBuffer.isView(values) && this.pool.owns(values.buffer) ? (values as NumericArray).slice() : values;
  }

  override async read(dataId: DataId): Promise<backend_util.BackendValues> {
    return this.readSync(dataId);
  }

  /** Pool statistics and live native memory, for leak checks and the run summary. */
  nativeMemory(): BufferPoolStats & { readonly nativeLiveBytes: number } {
    return { ...this.pool.stats(), nativeLiveBytes: this.addon.hostMemoryStats?.().liveBytes ?? 0 };
  }

  override dispose(): void {
    this.pool.trim();
    super.dispose();
  }
}
