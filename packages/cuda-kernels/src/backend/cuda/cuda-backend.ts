/**
 * The `cuda` tfjs backend: a KernelBackend whose tensors live in device buffers (handles into the addon's table over
 * a caching, stream-ordered allocator). `readSync` is a synchronous device → host copy, so `dataSync` call sites keep
 * working; `read` is the same copy behind a promise. Kernels without a GPU version run on tfjs-cpu through
 * {@link CudaBackend.runOnCpu}: download the inputs, run the cpu kernel, upload the outputs, counted per kernel name.
 *
 * Strings stay on the host (no kernel reads them on the device); complex64 is not supported.
 */
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import {
  KernelBackend,
  util,
  type backend_util,
  type BackendTimingInfo,
  type DataId,
  type DataType,
  type KernelFunc,
  type NamedAttrMap,
  type NamedTensorInfoMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';

import type { CudaBackendAddon, DeviceMemory, Handle } from './device.js';

/** One tensor's storage: a device buffer (null for an empty tensor) or, for strings, host values. */
interface TensorData {
  handle: Handle | null;
  readonly dtype: DataType;
  readonly size: number;
  refCount: number;
  readonly strings?: backend_util.BackendValues;
}

const BYTES: Readonly<Partial<Record<DataType, number>>> = { float32: 4, int32: 4, bool: 1 };

/** Bytes per element of a dtype the device holds; throws for the others. */
export function bytesPerElement(dtype: DataType): 1 | 4 {
  const b = BYTES[dtype];
  if (b === undefined) throw new TypeError(`cuda backend: ${dtype} tensors are not supported on the device`);
  return b as 1 | 4;
}

/** A fresh host array of `size` elements of `dtype`. */
function hostArray(dtype: DataType, size: number): Float32Array | Int32Array | Uint8Array {
  if (dtype === 'int32') return new Int32Array(size);
  if (dtype === 'bool') return new Uint8Array(size);
  return new Float32Array(size);
}

export class CudaBackend extends KernelBackend {
  private readonly data = new Map<DataId, TensorData>();
  private cpuBackend: MathBackendCPU | undefined;
  private readonly fallbacks = new Map<string, number>();

  /**
   * @param device where tensors live (the addon's device memory, or host memory in tests)
   * @param addon the kernels (absent when only the CPU fallback may run, as in the host-memory tests)
   * @param synchronize waits for queued device work (for `time`)
   */
  constructor(
    readonly device: DeviceMemory,
    readonly addon: CudaBackendAddon | null,
    private readonly synchronize: () => void = () => {},
  ) {
    super();
  }

  // ---- storage ----

  override write(values: backend_util.BackendValues | null, shape: number[], dtype: DataType): DataId {
    const dataId = {};
    this.store(dataId, values, util.sizeFromShape(shape), dtype, 1);
    return dataId;
  }

  override move(dataId: DataId, values: backend_util.BackendValues | null, shape: number[], dtype: DataType, refCount: number): void {
    this.store(dataId, values, util.sizeFromShape(shape), dtype, refCount);
  }

  private store(dataId: DataId, values: backend_util.BackendValues | null, size: number, dtype: DataType, refCount: number): void {
    if (dtype === 'complex64') throw new TypeError('cuda backend: complex64 tensors are not supported');
    if (dtype === 'string') {
      this.data.set(dataId, { handle: null, dtype, size, refCount, strings: values ?? [] });
    } else {
      const handle = size > 0 ? this.device.alloc(size * bytesPerElement(dtype)) : null;
      if (handle !== null && values != null) this.device.upload(handle, toDeviceArray(values as ArrayLike<number>, dtype));
      this.data.set(dataId, { handle, dtype, size, refCount });
    }
  }

  /** A new tensor of `shape` and `dtype` in an uninitialised device buffer (a kernel output). */
  makeOutput(shape: readonly number[], dtype: DataType): TensorInfo {
    const dataId = this.write(null, [...shape], dtype);
    return { dataId, shape: [...shape], dtype };
  }

  /** A tensor holding `values` (uploaded). */
  makeTensorInfo(shape: number[], dtype: DataType, values?: backend_util.BackendValues | string[]): TensorInfo {
    const v =
      dtype === 'string' && values && values.length > 0 && typeof values[0] === 'string'
        ? (values as string[]).map((s) => util.encodeString(s))
        : (values as backend_util.BackendValues | undefined);
    return { dataId: this.write(v ?? null, shape, dtype), shape, dtype };
  }

  /** The device buffer of a tensor (null when it has no elements). */
  handleOf(t: TensorInfo | DataId): Handle | null {
    const dataId = 'dataId' in (t as TensorInfo) ? (t as TensorInfo).dataId : (t as DataId);
    const d = this.data.get(dataId);
    if (!d) throw new Error('cuda backend: this tensor is not stored on the cuda backend (disposed?)');
    return d.handle;
  }

  override readSync(dataId: DataId): backend_util.BackendValues {
    const d = this.data.get(dataId);
    if (!d) throw new Error('cuda backend: readSync of a tensor that is not stored here (disposed?)');
    if (d.strings) return d.strings;
    const out = hostArray(d.dtype, d.size);
    if (d.handle !== null) this.device.download(d.handle, out);
    return out;
  }

  override async read(dataId: DataId): Promise<backend_util.BackendValues> {
    return this.readSync(dataId);
  }

  override refCount(dataId: DataId): number {
    return this.data.get(dataId)?.refCount ?? 0;
  }

  override incRef(dataId: DataId): void {
    const d = this.data.get(dataId);
    if (d) d.refCount++;
  }

  override disposeData(dataId: DataId, force = false): boolean {
    const d = this.data.get(dataId);
    if (!d) return true;
    d.refCount--;
    if (!force && d.refCount > 0) return false;
    if (d.handle !== null) this.device.free(d.handle);
    this.data.delete(dataId);
    return true;
  }

  /** Frees an intermediate result made inside a kernel. */
  disposeIntermediateTensorInfo(t: TensorInfo): void {
    this.disposeData(t.dataId);
  }

  override numDataIds(): number {
    return this.data.size;
  }

  override memory(): { unreliable: boolean; reasons?: string[] } {
    return { unreliable: false };
  }

  override async time(f: () => void): Promise<BackendTimingInfo> {
    const start = util.now();
    f();
    this.synchronize();
    return { kernelMs: util.now() - start };
  }

  override floatPrecision(): 16 | 32 {
    return 32;
  }

  /** Frees every device buffer still held (tf.removeBackend / engine reset). */
  override dispose(): void {
    for (const d of this.data.values()) if (d.handle !== null) this.device.free(d.handle);
    this.data.clear();
    this.cpuBackend?.dispose();
  }

  // ---- the counted CPU fallback ----

  /** Runs a tfjs-cpu kernel on host copies of the inputs and uploads its outputs; counts it under `kernelName`. */
  runOnCpu(
    kernelName: string,
    kernelFunc: KernelFunc,
    inputs: NamedTensorInfoMap,
    attrs: NamedAttrMap | undefined,
  ): TensorInfo | TensorInfo[] {
    const cpu = this.cpu();
    // Concat, AddN and friends take an array of inputs; the rest a name → tensor map.
    const cpuInputs = (Array.isArray(inputs) ? [] : {}) as NamedTensorInfoMap;
    const origin = new Map<DataId, DataId>(); // cpu input dataId → our dataId (for outputs that alias an input)
    const created: DataId[] = [];
    try {
      for (const [name, t] of Object.entries(inputs)) {
        if (t == null) continue;
        const id = cpu.write(this.readSync(t.dataId), t.shape, t.dtype);
        created.push(id);
        origin.set(id, t.dataId);
        cpuInputs[name] = { dataId: id, shape: t.shape, dtype: t.dtype };
      }
      const out = kernelFunc({ inputs: cpuInputs, attrs: attrs ?? {}, backend: cpu });
      const outs = Array.isArray(out) ? out : [out];
      const results = outs.map((o) => {
        created.push(o.dataId);
        const source = origin.get(o.dataId);
        if (source !== undefined) {
          this.incRef(source);
          return { dataId: source, shape: o.shape, dtype: o.dtype };
        }
        return this.makeTensorInfo(o.shape, o.dtype, cpu.readSync(o.dataId));
      });
      this.fallbacks.set(kernelName, (this.fallbacks.get(kernelName) ?? 0) + 1);
      return Array.isArray(out) ? results : results[0]!;
    } finally {
      for (const id of created) cpu.disposeData(id, true);
    }
  }

  /** How often each kernel ran on the CPU fallback since the backend started (name → calls). */
  fallbackCounts(): Record<string, number> {
    return Object.fromEntries([...this.fallbacks.entries()].sort((a, b) => b[1] - a[1]));
  }

  private cpu(): MathBackendCPU {
    if (!this.cpuBackend) {
      this.cpuBackend = new MathBackendCPU();
      (this.cpuBackend as unknown as { firstUse: boolean }).firstUse = false; // no "use tfjs-node" banner
    }
    return this.cpuBackend;
  }
}

/** Values as the typed array the device stores for `dtype` (float32, int32, or one byte per bool). */
function toDeviceArray(values: ArrayLike<number>, dtype: DataType): Float32Array | Int32Array | Uint8Array {
  if (dtype === 'float32') return values instanceof Float32Array ? values : Float32Array.from(values);
  if (dtype === 'int32') return values instanceof Int32Array ? values : Int32Array.from(values);
  return values instanceof Uint8Array ? values : Uint8Array.from(values);
}
