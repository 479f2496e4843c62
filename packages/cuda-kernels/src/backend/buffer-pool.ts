/**
 * A caching allocator of host buffers for the native backend: tensors live in 64-byte aligned native memory
 * (`allocHostBuffer`), and a disposed tensor's buffer goes back to a free list keyed by its size, so a training
 * loop that makes the same shapes every step allocates nothing after its first step (no zero-fill, no GC churn).
 *
 * A request with no free buffer of its size takes the smallest free one of up to twice its size before allocating,
 * and the free lists keep at most as many bytes as were ever in use at once (one step's working set), dropping the
 * least recently released sizes first.
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
/** A request may take a free buffer up to this many times its size (the ResNets' activations halve per stage). */
const MAX_FIT = 2;

export class BufferPool {
  private readonly freeLists = new Map<number, ArrayBuffer[]>();
  /** Live tensor references per pooled buffer (0 = acquired, not yet in a tensor). */
  private readonly refs = new Map<ArrayBuffer, number>();
  private bytesCached = 0;
  private bytesInUse = 0;
  private peakBytesInUse = 0;
  /** The most bytes ever in use at once (not reset): the free bytes worth keeping for reuse. */
  private highWaterBytes = 0;
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
    const list = this.freeLists.get(size) ?? this.bestFit(size);
    let buffer = list?.pop();
    if (buffer) {
      this.bytesCached -= buffer.byteLength;
    } else {
      buffer = this.source(size);
      this.freshAllocations++;
    }
    this.refs.set(buffer, 0);
    this.bytesInUse += buffer.byteLength;
    if (this.bytesInUse > this.peakBytesInUse) this.peakBytesInUse = this.bytesInUse;
    if (this.bytesInUse > this.highWaterBytes) this.highWaterBytes = this.bytesInUse;
    return buffer;
  }

  /**
   * The free list of the smallest cached size in (size, MAX_FIT · size], if any. Serving a request from a larger
   * free buffer instead of allocating keeps the pool near one step's peak: with exact sizes only, every size's own
   * peak count stayed cached (a ResNet-18 step at 224 px, B=32: 1.1 GB cached beside a 0.64 GB peak in use).
   */
  private bestFit(size: number): ArrayBuffer[] | undefined {
    let best: number | undefined;
    for (const [s, list] of this.freeLists) {
      if (list.length > 0 && s > size && s <= MAX_FIT * size && (best === undefined || s < best)) best = s;
    }
    return best === undefined ? undefined : this.freeLists.get(best);
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
    // Free bytes beyond the most ever in use at once are sizes this workload no longer asks for together (an
    // evaluation's slice sizes once training resumes, a last partial batch): the least recently released go first.
    const limit = Math.min(this.maxCachedBytes, this.highWaterBytes);
    if (size > limit) return;
    while (this.bytesCached + size > limit) this.evictOldest();
    let list = this.freeLists.get(size);
    if (list) this.freeLists.delete(size);
    else list = [];
    this.freeLists.set(size, list); // re-inserted: Map order is least recently released first
    list.push(b);
    this.bytesCached += size;
  }

  /** Drops one buffer of the least recently released size (its memory is freed when the garbage collector runs). */
  private evictOldest(): void {
    for (const [size, list] of this.freeLists) {
      const dropped = list.pop();
      if (list.length === 0) this.freeLists.delete(size);
      if (dropped) {
        this.bytesCached -= size;
        return;
      }
    }
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
