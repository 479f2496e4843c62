// Double-precision CPU references for the GPU harness (gpu_harness.cu): direct loops in tfjs's semantics (NHWC
// activations, HWIO filters, the first maximum of a pooling window, ToInt32 casts), written independently of the
// implicit-GEMM index maps in src/cuda/geometry.h that the device code uses. Plain C++, so reference_check.cc tests
// them on a CPU (adjointness, transposes, finite differences) where no GPU is at hand.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace fedkern::harness {

/// C[b] = op(A[b])·op(B[b]) with A stored [M×K] (or [K×M] when ta) at a + b·aStride, B [K×N] (or [N×K]); C dense.
inline std::vector<double> gemmRef(const float* a, const float* b, int64_t batch, int64_t m, int64_t n, int64_t k, bool ta, bool tb,
                                   int64_t aStride, int64_t bStride, bool absolute = false) {
  std::vector<double> c(static_cast<size_t>(batch * m * n), 0.0);
  for (int64_t z = 0; z < batch; ++z)
    for (int64_t i = 0; i < m; ++i)
      for (int64_t kk = 0; kk < k; ++kk) {
        double av = a[z * aStride + (ta ? kk * m + i : i * k + kk)];
        if (absolute) av = std::fabs(av);
        double* row = &c[static_cast<size_t>((z * m + i) * n)];
        for (int64_t j = 0; j < n; ++j) {
          double bv = b[z * bStride + (tb ? j * k + kk : kk * n + j)];
          row[j] += av * (absolute ? std::fabs(bv) : bv);
        }
      }
  return c;
}

/// A convolution's sizes and resolved padding (tfjs computeConv2DInfo).
struct Conv {
  int32_t batch, inH, inW, inC, outH, outW, outC, fH, fW, sH, sW, dH, dW, padTop, padLeft;
};

/// 'same' (pad = -1), 'valid' (pad = 0) or explicit symmetric padding `pad`, as tfjs resolves it.
inline Conv makeConv(int32_t batch, int32_t inH, int32_t inW, int32_t inC, int32_t outC, int32_t fH, int32_t fW, int32_t stride,
                     int32_t dilation, int32_t pad) {
  Conv c{batch, inH, inW, inC, 0, 0, outC, fH, fW, stride, stride, dilation, dilation, 0, 0};
  const int32_t effH = (fH - 1) * dilation + 1, effW = (fW - 1) * dilation + 1;
  if (pad < 0) {
    c.outH = (inH + stride - 1) / stride;
    c.outW = (inW + stride - 1) / stride;
    const int32_t totalH = std::max((c.outH - 1) * stride + effH - inH, 0);
    const int32_t totalW = std::max((c.outW - 1) * stride + effW - inW, 0);
    c.padTop = totalH / 2;
    c.padLeft = totalW / 2;
  } else {
    c.outH = (inH + 2 * pad - effH) / stride + 1;
    c.outW = (inW + 2 * pad - effW) / stride + 1;
    c.padTop = c.padLeft = pad;
  }
  return c;
}

inline int64_t inputSize(const Conv& c) { return int64_t{c.batch} * c.inH * c.inW * c.inC; }
inline int64_t outputSize(const Conv& c) { return int64_t{c.batch} * c.outH * c.outW * c.outC; }
inline int64_t filterSize(const Conv& c) { return int64_t{c.fH} * c.fW * c.inC * c.outC; }

/// Calls f(xIndex, wIndex, yIndex) for every multiply of the convolution (taps on padding skipped).
template <typename F>
void forEachTap(const Conv& c, F f) {
  for (int32_t n = 0; n < c.batch; ++n)
    for (int32_t oh = 0; oh < c.outH; ++oh)
      for (int32_t ow = 0; ow < c.outW; ++ow)
        for (int32_t kh = 0; kh < c.fH; ++kh) {
          const int32_t ih = oh * c.sH - c.padTop + kh * c.dH;
          if (ih < 0 || ih >= c.inH) continue;
          for (int32_t kw = 0; kw < c.fW; ++kw) {
            const int32_t iw = ow * c.sW - c.padLeft + kw * c.dW;
            if (iw < 0 || iw >= c.inW) continue;
            const int64_t xBase = ((int64_t{n} * c.inH + ih) * c.inW + iw) * c.inC;
            const int64_t wBase = (int64_t{kh} * c.fW + kw) * c.inC * c.outC;
            const int64_t yBase = ((int64_t{n} * c.outH + oh) * c.outW + ow) * c.outC;
            for (int32_t ic = 0; ic < c.inC; ++ic)
              for (int32_t oc = 0; oc < c.outC; ++oc) f(xBase + ic, wBase + int64_t{ic} * c.outC + oc, yBase + oc);
          }
        }
}

inline double mag(double v, bool absolute) { return absolute ? std::fabs(v) : v; }

inline std::vector<double> convForwardRef(const Conv& c, const float* x, const float* w, bool absolute = false) {
  std::vector<double> y(static_cast<size_t>(outputSize(c)), 0.0);
  forEachTap(c, [&](int64_t xi, int64_t wi, int64_t yi) { y[yi] += mag(x[xi], absolute) * mag(w[wi], absolute); });
  return y;
}
inline std::vector<double> convBackwardDataRef(const Conv& c, const float* dy, const float* w, bool absolute = false) {
  std::vector<double> dx(static_cast<size_t>(inputSize(c)), 0.0);
  forEachTap(c, [&](int64_t xi, int64_t wi, int64_t yi) { dx[xi] += mag(dy[yi], absolute) * mag(w[wi], absolute); });
  return dx;
}
inline std::vector<double> convBackwardFilterRef(const Conv& c, const float* x, const float* dy, bool absolute = false) {
  std::vector<double> dw(static_cast<size_t>(filterSize(c)), 0.0);
  forEachTap(c, [&](int64_t xi, int64_t wi, int64_t yi) { dw[wi] += mag(x[xi], absolute) * mag(dy[yi], absolute); });
  return dw;
}

/// Max pooling: sizes and resolved padding (no dilation in tfjs's maxPool).
struct Pool {
  int32_t batch, inH, inW, channels, outH, outW, fH, fW, sH, sW, padTop, padLeft;
};

inline Pool makePool(int32_t batch, int32_t inH, int32_t inW, int32_t channels, int32_t f, int32_t stride, bool same) {
  Pool p{batch, inH, inW, channels, 0, 0, f, f, stride, stride, 0, 0};
  if (same) {
    p.outH = (inH + stride - 1) / stride;
    p.outW = (inW + stride - 1) / stride;
    p.padTop = std::max((p.outH - 1) * stride + f - inH, 0) / 2;
    p.padLeft = std::max((p.outW - 1) * stride + f - inW, 0) / 2;
  } else {
    p.outH = (inH - f) / stride + 1;
    p.outW = (inW - f) / stride + 1;
  }
  return p;
}

/// The input index of the first maximum in output element o's window, −1 when the window is all padding.
inline int64_t poolArgmax(const Pool& p, const float* x, int64_t o) {
  const int64_t c = o % p.channels, ow = (o / p.channels) % p.outW, oh = (o / p.channels / p.outW) % p.outH;
  const int64_t n = o / p.channels / p.outW / p.outH;
  int64_t best = -1;
  for (int32_t kh = 0; kh < p.fH; ++kh)
    for (int32_t kw = 0; kw < p.fW; ++kw) {
      const int64_t ih = oh * p.sH - p.padTop + kh, iw = ow * p.sW - p.padLeft + kw;
      if (ih < 0 || ih >= p.inH || iw < 0 || iw >= p.inW) continue;
      const int64_t i = ((n * p.inH + ih) * p.inW + iw) * p.channels + c;
      if (best < 0 || x[i] > x[best]) best = i;
    }
  return best;
}

inline std::vector<double> maxPoolRef(const Pool& p, const float* x) {
  std::vector<double> y(static_cast<size_t>(int64_t{p.batch} * p.outH * p.outW * p.channels));
  for (size_t o = 0; o < y.size(); ++o) {
    const int64_t best = poolArgmax(p, x, static_cast<int64_t>(o));
    y[o] = best < 0 ? -INFINITY : x[best];
  }
  return y;
}

inline std::vector<double> maxPoolGradRef(const Pool& p, const float* x, const float* dy) {
  std::vector<double> dx(static_cast<size_t>(int64_t{p.batch} * p.inH * p.inW * p.channels), 0.0);
  const int64_t outputs = int64_t{p.batch} * p.outH * p.outW * p.channels;
  for (int64_t o = 0; o < outputs; ++o) {
    const int64_t best = poolArgmax(p, x, o);
    if (best >= 0) dx[best] += dy[o];
  }
  return dx;
}

/// Row reductions of [outer × inner]: 0 sum, 1 mean, 2 max, 3 min, 4 prod (NaN propagates through max/min).
inline std::vector<double> reduceRef(int op, const float* x, int64_t outer, int64_t inner) {
  std::vector<double> y(static_cast<size_t>(outer));
  for (int64_t r = 0; r < outer; ++r) {
    double v = op == 2 ? -INFINITY : op == 3 ? INFINITY : op == 4 ? 1.0 : 0.0;
    for (int64_t j = 0; j < inner; ++j) {
      const double e = x[r * inner + j];
      if (op == 2)
        v = (std::isnan(v) || std::isnan(e)) ? NAN : std::max(v, e);
      else if (op == 3)
        v = (std::isnan(v) || std::isnan(e)) ? NAN : std::min(v, e);
      else if (op == 4)
        v *= e;
      else
        v += e;
    }
    y[static_cast<size_t>(r)] = op == 1 ? v / static_cast<double>(inner) : v;
  }
  return y;
}

/// ECMAScript ToInt32 (tfjs-cpu's float → int32 cast through Int32Array.from).
inline int32_t toInt32Ref(double v) {
  if (!std::isfinite(v)) return 0;
  double m = std::fmod(std::trunc(v), 4294967296.0);
  if (m < 0) m += 4294967296.0;
  return static_cast<int32_t>(static_cast<uint32_t>(m));
}

/// Deterministic values in [-1, 1) from a 64-bit LCG (the same inputs on every run and machine).
inline std::vector<float> randomValues(size_t n, uint64_t seed) {
  std::vector<float> v(n);
  uint64_t s = seed * 6364136223846793005ull + 1442695040888963407ull;
  for (auto& e : v) {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    e = static_cast<float>(static_cast<double>(s >> 40) / static_cast<double>(1ull << 23) - 1.0);
  }
  return v;
}

}  // namespace fedkern::harness
