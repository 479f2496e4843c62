import { describe, expect, it } from 'vitest';

import { BufferPool } from './buffer-pool.js';

/** A pool over plain ArrayBuffers (what allocHostBuffer returns, minus the alignment), counting allocations. */
function pool(maxCachedBytes?: number) {
  const sizes: number[] = [];
  const p = new BufferPool((bytes) => {
    sizes.push(bytes);
    return new ArrayBuffer(bytes);
  }, maxCachedBytes);
  return { p, sizes };
}

/** acquire + retain, as a tensor write does. */
function take(p: BufferPool, bytes: number): ArrayBuffer {
  const b = p.acquire(bytes);
  p.retain(b);
  return b;
}

describe('BufferPool', () => {
  it('reuses a free buffer of the same size class without allocating', () => {
    const { p, sizes } = pool();
    const a = take(p, 1000);
    p.release(a);
    expect(take(p, 1000)).toBe(a);
    expect(sizes).toEqual([1024]);
  });

  it('serves a request from the smallest free buffer of up to twice its size, and allocates past that', () => {
    const { p, sizes } = pool();
    const big = take(p, 8192);
    const mid = take(p, 4096);
    p.release(big);
    p.release(mid);
    // 3 000 bytes (3 008 rounded): 4 096 fits (≤ 2×), 8 192 would too but is larger.
    expect(take(p, 3000)).toBe(mid);
    expect(p.stats()).toMatchObject({ bytesInUse: 4096, bytesCached: 8192, freshAllocations: 2 });
    // 2 048 bytes: the 8 192-byte buffer is more than twice as large, so a fresh one.
    const small = take(p, 2048);
    expect(small).not.toBe(big);
    expect(sizes).toEqual([8192, 4096, 2048]);
    // A larger buffer goes back to its own size's list and serves its own size again.
    p.release(mid);
    expect(take(p, 4096)).toBe(mid);
  });

  it('tracks the peak bytes in use until resetPeak', () => {
    const { p } = pool();
    const a = take(p, 4096);
    const b = take(p, 4096);
    p.release(a);
    p.release(b);
    expect(p.stats()).toMatchObject({ bytesInUse: 0, peakBytesInUse: 8192 });
    p.resetPeak();
    take(p, 4096);
    expect(p.stats().peakBytesInUse).toBe(4096);
  });

  it('keeps no more free bytes than its capacity', () => {
    const { p } = pool(4096);
    const a = take(p, 4096);
    const b = take(p, 4096);
    p.release(a);
    p.release(b);
    expect(p.stats()).toMatchObject({ buffersCached: 1, bytesCached: 4096 });
  });

  it('keeps no more free bytes than were ever in use at once, dropping the least recently released size first', () => {
    const { p } = pool();
    // At most 3 × 4 096 bytes in use at once.
    const [a, b, c] = [take(p, 4096), take(p, 4096), take(p, 4096)];
    p.release(a);
    p.release(b);
    p.release(c);
    expect(p.stats()).toMatchObject({ bytesCached: 3 * 4096, peakBytesInUse: 3 * 4096 });
    // Two 1 024-byte buffers (too small to take a 4 096-byte one): releasing them must drop one 4 096-byte buffer,
    // the older size, to stay within 3 × 4 096 free bytes.
    const [d, e] = [take(p, 1024), take(p, 1024)];
    p.release(d);
    p.release(e);
    expect(p.stats()).toMatchObject({ buffersCached: 4, bytesCached: 2 * 4096 + 2 * 1024 });
    expect(take(p, 1024)).toBe(e);
    expect(take(p, 1024)).toBe(d);
  });
});
