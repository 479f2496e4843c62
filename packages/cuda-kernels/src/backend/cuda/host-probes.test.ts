// The cuda backend's host logic compiled into the addon (every build, no GPU needed): the implicit-GEMM index maps of
// a convolution (src/cuda/geometry.h) reproduce tfjs-cpu's convolution and both of its gradients when evaluated as
// GEMMs, for odd sizes, strides 1 and 2, same/valid padding and dilation; the caching allocator reuses blocks by size
// class, empties its cache before giving up, and reports out-of-memory as an error.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients'; // tf.grads of the reference convolution
import { describe, expect, it } from 'vitest';

import { nativeAddon } from '../../load.js';
import { randomTensor } from '../__fixtures__/parity.js';
import type { CudaBackendAddon } from './device.js';
import { convGeometry } from './geometry.js';

const addon = nativeAddon();
const probes = addon?.cudaConvIndexMap && addon.cudaAllocatorProbe ? (addon as CudaBackendAddon) : null;
const skip = probes ? '' : ' (skipped: fedkern.node is not built or predates the cuda backend)';

interface ConvCase {
  x: [number, number, number, number];
  w: [number, number, number, number];
  stride: number;
  pad: 'same' | 'valid';
  dilation: number;
}

const CASES: ConvCase[] = [
  { x: [2, 7, 5, 3], w: [3, 3, 3, 4], stride: 1, pad: 'same', dilation: 1 },
  { x: [2, 9, 7, 2], w: [3, 3, 2, 3], stride: 2, pad: 'same', dilation: 1 },
  { x: [1, 11, 12, 2], w: [5, 5, 2, 3], stride: 2, pad: 'valid', dilation: 1 },
  { x: [1, 8, 9, 1], w: [2, 4, 1, 2], stride: 2, pad: 'same', dilation: 1 },
  { x: [1, 9, 9, 2], w: [3, 3, 2, 2], stride: 1, pad: 'valid', dilation: 2 },
  { x: [3, 5, 5, 4], w: [1, 1, 4, 5], stride: 2, pad: 'valid', dilation: 1 },
];

/** C[m, n] = Σ_k A(m, k)·B(k, n) with A read through an index map into `a` (−1 reads 0). */
function gemm(
  m: number,
  n: number,
  k: number,
  aAt: (i: number, kk: number) => number,
  bAt: (kk: number, j: number) => number,
): Float32Array {
  const c = new Float32Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let kk = 0; kk < k; kk++) s += aAt(i, kk) * bAt(kk, j);
      c[i * n + j] = s;
    }
  return c;
}

function maxError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!)));
  return worst;
}

describe(`cuda backend host probes: implicit-GEMM convolution maps${skip}`, () => {
  it.skipIf(!probes).each(CASES.map((c) => [`${c.x} * ${c.w} stride ${c.stride} ${c.pad} dilation ${c.dilation}`, c] as const))(
    '%s: forward, backward-data and backward-filter GEMMs equal tfjs-cpu (forward only when dilated)',
    async (_name, c) => {
      await tf.setBackend('cpu');
      const info = tf.backend_util.computeConv2DInfo(c.x, c.w, c.stride, c.dilation, c.pad);
      const geometry = Int32Array.from(convGeometry(info));
      const x = randomTensor(c.x, 1).values as Float32Array;
      const w = randomTensor(c.w, 2).values as Float32Array;
      const dyShape = [info.batchSize, info.outHeight, info.outWidth, info.outChannels];
      const dy = randomTensor(dyShape, 3).values as Float32Array;
      let y!: Float32Array;
      let dx: Float32Array | null = null;
      let dw: Float32Array | null = null;
      tf.tidy(() => {
        const xt = tf.tensor4d(x, c.x),
          wt = tf.tensor4d(w, c.w),
          dyt = tf.tensor4d(dy, dyShape as [number, number, number, number]);
        const conv = (a: tf.Tensor4D, b: tf.Tensor4D) => tf.conv2d(a, b, c.stride, c.pad, 'NHWC', c.dilation);
        const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(a as tf.Tensor4D, b as tf.Tensor4D), dyt)));
        y = conv(xt, wt).dataSync() as Float32Array;
        if (c.dilation > 1) return; // tfjs has no dilated conv gradients
        const [gx, gw] = g([xt, wt]);
        dx = gx!.dataSync() as Float32Array;
        dw = gw!.dataSync() as Float32Array;
      });

      const fwd = probes!.cudaConvIndexMap('forward', geometry);
      expect([fwd.m, fwd.n, fwd.k]).toEqual([y.length / info.outChannels, info.outChannels, w.length / info.outChannels]);
      const at = (src: Float32Array, map: Float64Array, k: number) => (i: number, kk: number) => {
        const idx = map[i * k + kk]!;
        return idx < 0 ? 0 : src[idx]!;
      };
      expect(
        maxError(
          gemm(fwd.m, fwd.n, fwd.k, at(x, fwd.a, fwd.k), (kk, j) => w[kk * fwd.n + j]!),
          y,
        ),
      ).toBeLessThan(1e-5);

      if (dx === null) return;
      const bd = probes!.cudaConvIndexMap('backwardData', geometry);
      expect([bd.m, bd.n]).toEqual([x.length / info.inChannels, info.inChannels]);
      expect(
        maxError(
          gemm(bd.m, bd.n, bd.k, at(dy, bd.a, bd.k), (kk, j) => w[bd.b![kk * bd.n + j]!]!),
          dx,
        ),
      ).toBeLessThan(1e-5);

      const bf = probes!.cudaConvIndexMap('backwardFilter', geometry);
      expect([bf.m, bf.n]).toEqual([w.length / info.outChannels, info.outChannels]);
      expect(
        maxError(
          gemm(bf.m, bf.n, bf.k, at(x, bf.a, bf.k), (kk, j) => dy[kk * bf.n + j]!),
          dw!,
        ),
      ).toBeLessThan(1e-5);
    },
  );

  it.skipIf(!probes)('every forward tap reads the input element a direct convolution reads, or padding', () => {
    const info = tf.backend_util.computeConv2DInfo([1, 5, 6, 1], [3, 3, 1, 1], 2, 1, 'same');
    const map = probes!.cudaConvIndexMap('forward', Int32Array.from(convGeometry(info)));
    // Direct loops: output (oh, ow), tap (kh, kw); 'same' with stride 2 on 5×6 pads top 1, left 0 (tfjs puts the odd
    // padding at the bottom/right).
    for (let oh = 0; oh < info.outHeight; oh++)
      for (let ow = 0; ow < info.outWidth; ow++)
        for (let kh = 0; kh < 3; kh++)
          for (let kw = 0; kw < 3; kw++) {
            const ih = oh * 2 - info.padInfo.top + kh,
              iw = ow * 2 - info.padInfo.left + kw;
            const expected = ih >= 0 && ih < 5 && iw >= 0 && iw < 6 ? ih * 6 + iw : -1;
            expect(map.a[(oh * info.outWidth + ow) * 9 + kh * 3 + kw]).toBe(expected);
          }
  });
});

describe(`cuda backend host probes: caching allocator${skip}`, () => {
  it.skipIf(!probes)('reuses a freed block of the same size class without a raw allocation', () => {
    const { events, stats } = probes!.cudaAllocatorProbe(1 << 30, [1000, -1, 900, 3 * 2 ** 20 + 1, 100]);
    expect(events[0]).toMatchObject({ capacity: 1024, fresh: true });
    expect(events[2]).toMatchObject({ capacity: 1024, fresh: false, address: (events[0] as { address: number }).address });
    expect(events[3]).toMatchObject({ capacity: 3.5 * 2 ** 20, fresh: true }); // quarter steps above 1 MiB
    expect(events[4]).toMatchObject({ capacity: 512, fresh: true });
    expect(stats).toMatchObject({ acquires: 4, rawAllocations: 3, blocksInUse: 3, blocksCached: 0 });
  });

  it.skipIf(!probes)('empties its cache before giving up, then reports out of memory as an error', () => {
    const mib = 2 ** 20;
    const { events, stats } = probes!.cudaAllocatorProbe(4 * mib, [3 * mib, -1, 2 * mib, 3 * mib]);
    expect(events[2]).toMatchObject({ capacity: 2 * mib, fresh: true }); // only after trimming the cached 3 MiB
    expect(stats.trims).toBe(1);
    expect((events[3] as { error: string }).error).toMatch(/out of device memory allocating 3145728 bytes/);
    expect(stats).toMatchObject({ blocksInUse: 1, bytesInUse: 2 * mib, rawBytesUsed: 2 * mib });
  });
});
