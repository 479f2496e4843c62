// Host memory behind the `cuda` backend's DeviceMemory interface, for tests on machines without a GPU: the backend's
// storage, reference counting and CPU fallback run unchanged over it (no GPU kernels are registered with it).
import type { DeviceMemory, Handle } from '../device.js';

export class HostMemory implements DeviceMemory {
  private readonly buffers = new Map<Handle, Uint8Array>();
  private next = 1;
  allocations = 0;

  alloc(bytes: number): Handle {
    const h = this.next++;
    this.buffers.set(h, new Uint8Array(bytes));
    this.allocations++;
    return h;
  }

  free(handle: Handle): void {
    if (!this.buffers.delete(handle)) throw new Error(`free of unknown handle ${handle}`);
  }

  upload(handle: Handle, values: ArrayBufferView): void {
    this.buffer(handle, values.byteLength).set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  }

  download(handle: Handle, out: ArrayBufferView): void {
    new Uint8Array(out.buffer, out.byteOffset, out.byteLength).set(this.buffer(handle, out.byteLength).subarray(0, out.byteLength));
  }

  /** A typed view of a whole buffer (for the host kernel emulation). */
  view<T extends Float32Array | Int32Array | Uint32Array | Uint8Array>(
    handle: Handle,
    type: { new (buffer: ArrayBuffer, byteOffset: number, length: number): T; BYTES_PER_ELEMENT: number },
  ): T {
    const b = this.buffer(handle, 0);
    return new type(b.buffer as ArrayBuffer, b.byteOffset, Math.floor(b.byteLength / type.BYTES_PER_ELEMENT));
  }

  get liveBuffers(): number {
    return this.buffers.size;
  }

  private buffer(handle: Handle, bytes: number): Uint8Array {
    const b = this.buffers.get(handle);
    if (!b) throw new Error(`unknown handle ${handle}`);
    if (b.byteLength < bytes) throw new Error(`handle ${handle} holds ${b.byteLength} bytes, ${bytes} needed`);
    return b;
  }
}
