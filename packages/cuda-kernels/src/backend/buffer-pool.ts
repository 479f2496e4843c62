/**
 * A caching allocator of host buffers for the native backend: tensors live in 64-byte aligned native memory
 * (`allocHostBuffer`), and a disposed tensor's buffer goes back to a free list keyed by its size, so a training
 * loop that makes the same shapes every step allocates nothing after its first step (no zero-fill, no GC churn).
 *
 * Buffers are reference-counted, not tensors: tfjs-cpu kernels may alias an input's memory in a new tensor
 * (Slice returns a `subarray`), so a buffer returns to the pool only when no live tensor views it.
 */

/** Allocates a fresh aligned buffer (the addon's `allocHostBuffer`). */
export type HostBufferSource = (bytes: number) => ArrayBuffer;

export interface BufferPoolStats {
  /** Buffers held by live tensors. */
  readonly buffersInUse: number;
  readonly bytesInUse: number;
  /** The most bytes held by live tensors at once since the pool was made or `resetPeak` was called. */
  readonly peakBytesInUse: number;
  /** Buffers waiting in free lists. */
  readonly buffersCached: number;
  readonly bytesCached: number;
  /** Requests served, and how many of them needed a fresh native allocation. */
  readonly acquires: number;
  readonly freshAllocations: number;
}

/** Size granularity: one cache line, so near-equal requests share a free list. */
const GRANULE = 64;

export class BufferPool {
  private readonly freeLists = new Map<number, ArrayBuffer[]>();
  /** Live tensor references per pooled buffer (0 = acquired, not yet in a tensor). */
  private readonly refs = new Map<ArrayBuffer, number>();
  private bytesCached = 0;
  private bytesInUse = 0;
  private peakBytesInUse = 0;
  private acquires = 0;
  private freshAllocations = 0;

  /** @param maxCachedBytes free-list capacity; buffers released beyond it are left to the garbage collector. */
  constructor(
    private readonly source: HostBufferSource,
    private readonly maxCachedBytes = 1 << 30,
  ) {}

  /** A buffer of at least `bytes` bytes, reused when one of its size class is free. Contents are undefined. */
  acquire(bytes: number): ArrayBuffer {
    const size = Math.max(GRANULE, Math.ceil(bytes / GRANULE) * GRANULE);
    this.acquires++;
    const list = this.freeLists.get(size);
    let buffer = list?.pop();
    if (buffer) {
      this.bytesCached -= size;
    } else {
      buffer = this.source(size);
      this.freshAllocations++;
    }
    this.refs.set(buffer, 0);
    this.bytesInUse += size;
    if (this.bytesInUse > this.peakBytesInUse) this.peakBytesInUse = this.bytesInUse;
    return buffer;
  }

  /** Whether `buffer` came from this pool and is not free. */
  owns(buffer: ArrayBufferLike): boolean {
    return this.refs.has(buffer as ArrayBuffer);
  }

  /** A tensor starts viewing `buffer` (no-op for buffers not from this pool). */
  retain(buffer: ArrayBufferLike): void {
    const n = this.refs.get(buffer as ArrayBuffer);
    if (n !== undefined) this.refs.set(buffer as ArrayBuffer, n + 1);
  }

  /** A tensor viewing `buffer` is gone; the last one returns the buffer to its free list. */
  release(buffer: ArrayBufferLike): void {
    const b = buffer as ArrayBuffer;
    const n = this.refs.get(b);
    if (n === undefined) return;
    if (n > 1) {
      this.refs.set(b, n - 1);
      return;
    }
    this.refs.delete(b);
    const size = b.byteLength;
    this.bytesInUse -= size;
    if (this.bytesCached + size > this.maxCachedBytes) return;
    let list = this.freeLists.get(size);
    if (!list) this.freeLists.set(size, (list = []));
    list.push(b);
    this.bytesCached += size;
  }

  /** Drops every cached buffer (their native memory is freed when the garbage collector runs). */
  trim(): void {
    this.freeLists.clear();
    this.bytesCached = 0;
  }

  /** Starts the peak of `stats().peakBytesInUse` over from the bytes in use now. */
  resetPeak(): void {
    this.peakBytesInUse = this.bytesInUse;
  }

  stats(): BufferPoolStats {
    let buffersCached = 0;
    for (const list of this.freeLists.values()) buffersCached += list.length;
    return {
      buffersInUse: this.refs.size,
      bytesInUse: this.bytesInUse,
      peakBytesInUse: this.peakBytesInUse,
      buffersCached,
      bytesCached: this.bytesCached,
      acquires: this.acquires,
      freshAllocations: this.freshAllocations,
    };
  }
}
