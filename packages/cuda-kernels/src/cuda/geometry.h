// Index math of the GPU kernels, shared by the device code and the CPU tests: implicit-GEMM views of a 2-D
// convolution (forward, backward-data, backward-filter), strided copies (transpose / broadcast / slice / concat) and
// launch tiling. Plain C++ (FK_HD marks functions the device also compiles): the CPU build's probes
// (binding/cuda_host_probes.cc) expose them to the TypeScript tests, which compare them with a direct convolution.
//
// Layouts are tfjs's: activations NHWC, filters HWIO ([kh, kw, inC, outC]), so a filter is already a [K, outC]
// row-major matrix with k = (kh·KW + kw)·inC + ic.
#pragma once

#include <cstdint>

#ifdef __CUDACC__
#define FK_HD __host__ __device__ __forceinline__
#else
#define FK_HD inline
#endif

namespace fedkern::gpu {

/// A 2-D convolution as tfjs's computeConv2DInfo describes it (pads already resolved for 'same' / 'valid').
struct ConvGeometry {
  int32_t batch, inH, inW, inC;
  int32_t outH, outW, outC;
  int32_t filterH, filterW;
  int32_t strideH, strideW;
  int32_t dilationH, dilationW;
  int32_t padTop, padLeft;
};

/// The three convolution GEMMs, C[M×N] = Σ_k A[m,k]·B[k,n]:
///   forward:        M = batch·outH·outW, N = outC, K = filterH·filterW·inC   (A = input patches, B = filter)
///   backward data:  M = batch·inH·inW,   N = inC,  K = filterH·filterW·outC  (A = dy patches,    B = filterᵀ per tap)
///   backward filter: M = filterH·filterW·inC, N = outC, K = batch·outH·outW  (A = input patchesᵀ, B = dy)
struct GemmShape {
  int64_t m, n, k;
};

FK_HD GemmShape convForwardGemm(const ConvGeometry& g) {
  return {int64_t{g.batch} * g.outH * g.outW, g.outC, int64_t{g.filterH} * g.filterW * g.inC};
}
FK_HD GemmShape convBackwardDataGemm(const ConvGeometry& g) {
  return {int64_t{g.batch} * g.inH * g.inW, g.inC, int64_t{g.filterH} * g.filterW * g.outC};
}
FK_HD GemmShape convBackwardFilterGemm(const ConvGeometry& g) {
  return {int64_t{g.filterH} * g.filterW * g.inC, g.outC, int64_t{g.batch} * g.outH * g.outW};
}

/// Forward A[m,k]: the input element that output pixel m (n, oh, ow) multiplies with filter row k (kh, kw, ic), as an
/// index into the NHWC input, or −1 where the tap falls on padding.
FK_HD int64_t convForwardInputIndex(const ConvGeometry& g, int64_t m, int64_t k) {
  const int32_t ic = static_cast<int32_t>(k % g.inC);
  const int64_t tap = k / g.inC;
  const int32_t kw = static_cast<int32_t>(tap % g.filterW);
  const int32_t kh = static_cast<int32_t>(tap / g.filterW);
  const int32_t ow = static_cast<int32_t>(m % g.outW);
  const int64_t rest = m / g.outW;
  const int32_t oh = static_cast<int32_t>(rest % g.outH);
  const int64_t n = rest / g.outH;
  const int32_t ih = oh * g.strideH - g.padTop + kh * g.dilationH;
  const int32_t iw = ow * g.strideW - g.padLeft + kw * g.dilationW;
  if (ih < 0 || ih >= g.inH || iw < 0 || iw >= g.inW) return -1;
  return ((n * g.inH + ih) * g.inW + iw) * g.inC + ic;
}

/// Backward-filter A[m,k] = forward A[k,m]: filter row m (kh, kw, ic) against output pixel k.
FK_HD int64_t convBackwardFilterInputIndex(const ConvGeometry& g, int64_t m, int64_t k) { return convForwardInputIndex(g, k, m); }

/// Backward-data A[m,k]: the dy element that input pixel m (n, ih, iw) receives through tap k (kh, kw, oc), as an
/// index into the NHWC dy, or −1 when no output pixel uses input pixel m through that tap (padding, or a stride
/// that skips it).
FK_HD int64_t convBackwardDataDyIndex(const ConvGeometry& g, int64_t m, int64_t k) {
  const int32_t oc = static_cast<int32_t>(k % g.outC);
  const int64_t tap = k / g.outC;
  const int32_t kw = static_cast<int32_t>(tap % g.filterW);
  const int32_t kh = static_cast<int32_t>(tap / g.filterW);
  const int32_t iw = static_cast<int32_t>(m % g.inW);
  const int64_t rest = m / g.inW;
  const int32_t ih = static_cast<int32_t>(rest % g.inH);
  const int64_t n = rest / g.inH;
  const int32_t hNum = ih + g.padTop - kh * g.dilationH;  // = oh·strideH
  const int32_t wNum = iw + g.padLeft - kw * g.dilationW;
  if (hNum < 0 || wNum < 0 || hNum % g.strideH != 0 || wNum % g.strideW != 0) return -1;
  const int32_t oh = hNum / g.strideH;
  const int32_t ow = wNum / g.strideW;
  if (oh >= g.outH || ow >= g.outW) return -1;
  return ((n * g.outH + oh) * g.outW + ow) * g.outC + oc;
}

/// Backward-data B[k,n]: the filter element of tap k (kh, kw, oc) for input channel n.
FK_HD int64_t convBackwardDataFilterIndex(const ConvGeometry& g, int64_t k, int64_t n) {
  const int64_t oc = k % g.outC;
  const int64_t tap = k / g.outC;
  return (tap * g.inC + n) * g.outC + oc;
}

/// Up to this many dimensions for strided copies and broadcasting; the TypeScript side merges dimensions first.
constexpr int kMaxRank = 6;

/// y[yOffset + Σ c_d·yStride_d] = x[xOffset + Σ c_d·xStride_d] for every coordinate c of `shape`. A stride of 0
/// broadcasts; permuted strides transpose; offsets and output strides place slices (slice, concat, pad).
struct StridedCopy {
  int32_t rank;
  int64_t shape[kMaxRank];
  int64_t xStride[kMaxRank];
  int64_t yStride[kMaxRank];
  int64_t xOffset, yOffset;
};

/// The source and destination offsets of the i-th element (row-major over shape) of a strided copy.
FK_HD void stridedOffsets(const StridedCopy& s, int64_t i, int64_t* x, int64_t* y) {
  int64_t xo = s.xOffset, yo = s.yOffset;
  for (int d = s.rank - 1; d >= 0; --d) {
    const int64_t c = i % s.shape[d];
    i /= s.shape[d];
    xo += c * s.xStride[d];
    yo += c * s.yStride[d];
  }
  *x = xo;
  *y = yo;
}

/// Broadcasting binary op: out has `shape`; a and b are read with their own (0 on broadcast) strides.
struct BroadcastGeometry {
  int32_t rank;
  int64_t shape[kMaxRank];
  int64_t aStride[kMaxRank];
  int64_t bStride[kMaxRank];
};

FK_HD void broadcastOffsets(const BroadcastGeometry& g, int64_t i, int64_t* a, int64_t* b) {
  int64_t ao = 0, bo = 0;
  for (int d = g.rank - 1; d >= 0; --d) {
    const int64_t c = i % g.shape[d];
    i /= g.shape[d];
    ao += c * g.aStride[d];
    bo += c * g.bStride[d];
  }
  *a = ao;
  *b = bo;
}

/// Launch tiling of the GEMM kernels: a grid of tile×tile output blocks (z = batch), rounded up.
struct GemmGrid {
  int64_t x, y, z;
};
FK_HD GemmGrid gemmGrid(int64_t m, int64_t n, int64_t batch, int32_t tileM, int32_t tileN) {
  return {(n + tileN - 1) / tileN, (m + tileM - 1) / tileM, batch};
}

/// Max pooling window of output pixel (oh, ow): the first input row/col (may be negative: padding).
struct PoolGeometry {
  int32_t batch, inH, inW, channels;
  int32_t outH, outW;
  int32_t filterH, filterW;
  int32_t strideH, strideW;
  int32_t dilationH, dilationW;
  int32_t padTop, padLeft;
};

/// The NHWC input index of the maximum in the window of output element `o` (n, oh, ow, c): the first maximum in
/// row-major window order, as tfjs-cpu's maxPoolPositions picks it; −1 when the window is all padding.
template <typename Load>
FK_HD int64_t maxPoolArgmax(const PoolGeometry& g, int64_t o, Load load) {
  const int32_t c = static_cast<int32_t>(o % g.channels);
  int64_t rest = o / g.channels;
  const int32_t ow = static_cast<int32_t>(rest % g.outW);
  rest /= g.outW;
  const int32_t oh = static_cast<int32_t>(rest % g.outH);
  const int64_t n = rest / g.outH;
  int64_t best = -1;
  float bestValue = 0.0f;
  for (int32_t kh = 0; kh < g.filterH; ++kh) {
    const int32_t ih = oh * g.strideH - g.padTop + kh * g.dilationH;
    if (ih < 0 || ih >= g.inH) continue;
    for (int32_t kw = 0; kw < g.filterW; ++kw) {
      const int32_t iw = ow * g.strideW - g.padLeft + kw * g.dilationW;
      if (iw < 0 || iw >= g.inW) continue;
      const int64_t idx = ((n * g.inH + ih) * g.inW + iw) * g.channels + c;
      const float v = load(idx);
      if (best < 0 || v > bestValue) {
        best = idx;
        bestValue = v;
      }
    }
  }
  return best;
}

}  // namespace fedkern::gpu
