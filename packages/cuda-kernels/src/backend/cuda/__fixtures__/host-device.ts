// A host emulation of the addon's cuda* kernels over HostMemory, so the cuda backend's GPU kernel plumbing (op codes,
// strides, geometry lists, output shapes, disposal of temporaries) runs through every parity case on machines without
// a GPU. Each function evaluates the contract documented in src/cuda/device.h element by element; convolutions use
// the addon's own implicit-GEMM index maps (cudaConvIndexMap, the geometry.h code the device compiles). It checks the
// TypeScript side, not the CUDA kernels: those are checked by cuda-parity.test.ts on a GPU.
import type { CudaBackendAddon, Handle } from '../device.js';
import type { HostMemory } from './host-memory.js';

type Kernels = Omit<
  CudaBackendAddon,
  | 'cudaDeviceStatus'
  | 'cudaAlloc'
  | 'cudaFree'
  | 'cudaUpload'
  | 'cudaDownload'
  | 'cudaMemoryStats'
  | 'cudaTrim'
  | 'cudaAllocatorProbe'
  | 'cudaConvIndexMap'
>;

const UNARY: ((x: number, a: number, b: number) => number)[] = [
  (x) => -x,
  Math.abs,
  Math.exp,
  Math.log,
  Math.sqrt,
  (x) => 1 / Math.sqrt(x),
  (x) => x * x,
  (x) => (x > 0 ? x : 0),
  (x) => Math.min(Math.max(x, 0), 6),
  (x) => 1 / (1 + Math.exp(-x)),
  Math.tanh,
  (x) => 1 / x,
  (x) => (x > 0 ? 1 : x < 0 ? -1 : 0),
  Math.floor,
  Math.ceil,
  (x, a) => (Number.isNaN(x) ? x : x > 0 ? 1 : a),
  (x, a) => (x < 0 ? a * x : x),
  (x, a, b) => Math.min(Math.max(x, a), b),
  (x) => (x >= 0 ? x : Math.exp(x) - 1),
  (x) => (x > 20 ? x : Math.log1p(Math.exp(x))),
  Math.log1p,
  Math.expm1,
  Math.sin,
  Math.cos,
  (x) => x,
  (x, a) => a * x,
];

const BINARY: ((a: number, b: number) => number)[] = [
  (a, b) => a + b,
  (a, b) => a - b,
  (a, b) => a * b,
  (a, b) => a / b,
  (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b)),
  (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b)),
  Math.pow,
  (a, b) => (a - b) * (a - b),
  (dy, x) => (x > 0 ? dy : 0),
  (dy, y) => (y >= 0 ? dy : dy * (y + 1)),
  (a, b) => +(a > b),
  (a, b) => +(a >= b),
  (a, b) => +(a < b),
  (a, b) => +(a <= b),
  (a, b) => +(a === b),
  (a, b) => +(a !== b),
];

/** Offsets of element i (row-major over shape) under each stride list. */
function offsets(shape: readonly number[], strideLists: readonly (readonly number[])[], i: number, bases: readonly number[]): number[] {
  const out = [...bases];
  for (let d = shape.length - 1; d >= 0; d--) {
    const c = i % shape[d]!;
    i = Math.floor(i / shape[d]!);
    strideLists.forEach((s, j) => (out[j]! += c * s[d]!));
  }
  return out;
}

export function hostKernels(memory: HostMemory, indexMap: CudaBackendAddon['cudaConvIndexMap']): Kernels {
  const f32 = (h: Handle) => memory.view(h, Float32Array);
  const typed = (h: Handle, type: number) =>
    type === 0 ? memory.view(h, Float32Array) : type === 1 ? memory.view(h, Int32Array) : memory.view(h, Uint8Array);
  const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
  return {
    cudaSynchronize() {},
    cudaSetTf32: () => false,
    cudaUnary(op, x, y, n, alpha, beta) {
      const xs = f32(x),
        ys = f32(y);
      for (let i = 0; i < n; i++) ys[i] = UNARY[op]!(xs[i]!, alpha, beta);
    },
    cudaBinary(op, a, b, out, shape, aStrides, bStrides) {
      const as = f32(a),
        bs = f32(b),
        os = op >= 10 ? memory.view(out, Uint8Array) : f32(out);
      for (let i = 0; i < size(shape); i++) {
        const [ai, bi] = offsets(shape, [aStrides, bStrides], i, [0, 0]);
        os[i] = BINARY[op]!(as[ai!]!, bs[bi!]!);
      }
    },
    cudaStridedCopy(x, y, elementBytes, shape, xStrides, yStrides, xOffset, yOffset) {
      const xs = elementBytes === 4 ? memory.view(x, Uint32Array) : memory.view(x, Uint8Array);
      const ys = elementBytes === 4 ? memory.view(y, Uint32Array) : memory.view(y, Uint8Array);
      for (let i = 0; i < size(shape); i++) {
        const [xi, yi] = offsets(shape, [xStrides, yStrides], i, [xOffset, yOffset]);
        ys[yi!] = xs[xi!]!;
      }
    },
    cudaFill(y, n, bits) {
      memory.view(y, Uint32Array).fill(bits, 0, n);
    },
    cudaCast(x, from, y, to, n) {
      const xs = typed(x, from),
        ys = typed(y, to);
      for (let i = 0; i < n; i++) ys[i] = to === 2 ? +(xs[i] !== 0) : to === 1 ? Math.trunc(xs[i]!) : xs[i]!;
    },
    cudaReduce(op, x, y, outer, inner) {
      const xs = f32(x),
        ys = f32(y);
      for (let r = 0; r < outer; r++) {
        let v = [0, 0, -Infinity, Infinity, 1][op]!;
        for (let j = 0; j < inner; j++) {
          const e = xs[r * inner + j]!;
          v = op === 2 ? Math.max(v, e) : op === 3 ? Math.min(v, e) : op === 4 ? v * e : v + e;
        }
        ys[r] = op === 1 ? v / inner : v;
      }
    },
    cudaBatchMatMul(a, b, c, batch, m, n, k, ta, tb, aStride, bStride) {
      const as = f32(a),
        bs = f32(b),
        cs = f32(c);
      for (let z = 0; z < batch; z++)
        for (let i = 0; i < m; i++)
          for (let j = 0; j < n; j++) {
            let s = 0;
            for (let kk = 0; kk < k; kk++) {
              s += as[z * aStride + (ta ? kk * m + i : i * k + kk)]! * bs[z * bStride + (tb ? j * k + kk : kk * n + j)]!;
            }
            cs[(z * m + i) * n + j] = s;
          }
    },
    cudaConv2d(kind, geometry, in0, in1, out) {
      const map = indexMap(kind === 0 ? 'forward' : kind === 1 ? 'backwardData' : 'backwardFilter', Int32Array.from(geometry));
      const a = f32(in0),
        b = f32(in1),
        c = f32(out);
      for (let i = 0; i < map.m; i++)
        for (let j = 0; j < map.n; j++) {
          let s = 0;
          for (let kk = 0; kk < map.k; kk++) {
            const ai = map.a[i * map.k + kk]!;
            if (ai < 0) continue;
            s += a[ai]! * b[map.b ? map.b[kk * map.n + j]! : kk * map.n + j]!;
          }
          c[i * map.n + j] = s;
        }
    },
    cudaMaxPool(geometry, x, y) {
      const xs = f32(x),
        ys = f32(y);
      forEachWindow(geometry, xs, (o, best) => (ys[o] = best < 0 ? -Infinity : xs[best]!));
    },
    cudaMaxPoolGrad(geometry, x, dy, dx) {
      const xs = f32(x),
        dys = f32(dy),
        dxs = f32(dx);
      dxs.fill(0, 0, geometry[0]! * geometry[1]! * geometry[2]! * geometry[3]!);
      forEachWindow(geometry, xs, (o, best) => {
        if (best >= 0) dxs[best]! += dys[o]!;
      });
    },
    cudaSgdUpdate(w, g, v, n, lr, momentum, nesterov) {
      const ws = f32(w),
        gs = f32(g),
        vs = v === null ? null : f32(v);
      for (let i = 0; i < n; i++) {
        if (!vs) {
          ws[i]! -= lr * gs[i]!;
          continue;
        }
        vs[i] = momentum * vs[i]! + gs[i]!;
        ws[i]! -= lr * (nesterov ? gs[i]! + momentum * vs[i]! : vs[i]!);
      }
    },
  };
}

/** Calls visit(outputIndex, argmaxInputIndex) for every max-pooling output (first maximum in window order). */
function forEachWindow(g: readonly number[], x: Float32Array, visit: (o: number, best: number) => void): void {
  const [batch, inH, inW, ch, outH, outW, fH, fW, sH, sW, dH, dW, padTop, padLeft] = g as number[] as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  for (let n = 0; n < batch; n++)
    for (let oh = 0; oh < outH; oh++)
      for (let ow = 0; ow < outW; ow++)
        for (let c = 0; c < ch; c++) {
          let best = -1;
          for (let kh = 0; kh < fH; kh++) {
            const ih = oh * sH - padTop + kh * dH;
            if (ih < 0 || ih >= inH) continue;
            for (let kw = 0; kw < fW; kw++) {
              const iw = ow * sW - padLeft + kw * dW;
              if (iw < 0 || iw >= inW) continue;
              const idx = ((n * inH + ih) * inW + iw) * ch + c;
              if (best < 0 || x[idx]! > x[best]!) best = idx;
            }
          }
          visit(((n * outH + oh) * outW + ow) * ch + c, best);
        }
}
