// Node-free GPU harness of the `cuda` backend and the FedLoGe head kernels: calls every launcher of src/cuda/device.h
// and every head kernel of src/matrix/matrix.h on device 0 and compares with double-precision CPU references
// (reference.h; the head kernels against their CPU versions, which accumulate in double) over a sweep of shapes
// chosen to cross tile edges, split-K, strides, padding modes and 32-bit index limits. Built by nvcc alone
// (scripts/gpu-check.sh), so it runs on a GPU machine with no Node.js.
//
//   gpu_harness [--small] [--json FILE]   the sweep (--small: the sizes compute-sanitizer can afford)
//   gpu_harness --lost [--json FILE]      an illegal access on purpose, then checks the lost-device state (own process)
//   gpu_harness --bench [--json FILE]     timings with CUDA events, medians: GEMM 4096³ TF32/FP32, elementwise add,
//                                         reductions and a device-to-device copy as bandwidth (no pass/fail)
//
// Prints one line per check and "N passed, N failed"; exits 0 only when every check passed.
//
// Tolerances, as a fraction of Σ|a|·|b| over each output's terms (a rigorous rounding bound, so only a wrong index
// or a lost term can exceed it): FP32 GEMM/convolution (K + 66)·2⁻²⁴ (K additions, up to 64 split-K chunks); TF32
// 2⁻¹⁰ + (K + 66)·2⁻²⁴ (10-bit mantissas in the products, FP32 accumulation); sums (n + 2)·2⁻²⁴ of Σ|x|; max/min,
// pool forward, casts and copies exact; broadcasting binary ops 2⁻²¹ relative; unary ops 2⁻²⁰ relative to
// max(|ref|, 1e-2) (libdevice's expf/logf/tanhf are within a few ulp); head kernels 1e-4 of the output's scale.
#include <cuda_runtime.h>

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "../src/cuda/device.h"
#include "../src/cuda/launch.cuh"
#include "../src/matrix/matrix.h"
#include "reference.h"

using namespace fedkern;
using namespace fedkern::harness;

namespace {

struct Result {
  std::string name;
  bool ok;
  double error, tolerance;
  std::string detail;
};
std::vector<Result> results;

void record(const std::string& name, bool ok, double error, double tolerance, const std::string& detail = "") {
  results.push_back({name, ok, error, tolerance, detail});
  std::printf("%s %s  error %.3g  tolerance %.3g%s%s\n", ok ? "ok  " : "FAIL", name.c_str(), error, tolerance, detail.empty() ? "" : "  ",
              detail.c_str());
  std::fflush(stdout);
}

/// Runs one check; an exception is a failure named after the check (never aborts the sweep).
void guarded(const std::string& name, const std::function<void()>& body) {
  try {
    body();
  } catch (const std::exception& e) {
    record(name, false, INFINITY, 0, std::string("threw: ") + e.what());
  }
}

/// A device buffer of the backend's allocator (handle table, caching allocator), freed on scope exit.
struct Buf {
  gpu::Handle h = 0;
  size_t bytes = 0;
  explicit Buf(size_t b) : h(gpu::deviceAlloc(b)), bytes(b) {}
  Buf(const Buf&) = delete;
  ~Buf() {
    try {
      gpu::deviceFree(h);
    } catch (...) {
    }
  }
  template <typename T = float>
  T* ptr() const {
    return static_cast<T*>(gpu::devicePointer(h, bytes, "harness"));
  }
};

template <typename T>
Buf* toDevice(const std::vector<T>& v) {
  auto* b = new Buf(std::max<size_t>(v.size() * sizeof(T), 4));
  gpu::deviceUpload(b->h, v.data(), v.size() * sizeof(T));
  return b;
}
template <typename T>
std::vector<T> fromDevice(const Buf& b, size_t n) {
  std::vector<T> v(n);
  gpu::deviceDownload(b.h, v.data(), n * sizeof(T));
  return v;
}

/// max_i |got − ref| / bound_i (bound = Σ|terms|; floored so an all-zero output compares absolutely); NaN → inf.
double boundedError(const std::vector<float>& got, const std::vector<double>& ref, const std::vector<double>& bound) {
  double worst = 0;
  for (size_t i = 0; i < ref.size(); ++i) {
    const double e = std::fabs(static_cast<double>(got[i]) - ref[i]) / std::max(bound[i], 1e-30);
    if (!(e <= worst)) worst = std::isnan(e) ? INFINITY : e;
  }
  return worst;
}

/// The rounding bound: products (TF32: two 10-bit-mantissa operands), then K FP32 additions (+ up to 64 split-K chunks).
double gemmTolerance(int64_t k, bool tf32) { return (tf32 ? std::ldexp(1.0, -10) : 0.0) + (k + 66) * std::ldexp(1.0, -24); }

std::string dims(std::initializer_list<int64_t> v) {
  std::string s;
  for (int64_t d : v) s += (s.empty() ? "" : "x") + std::to_string(d);
  return s;
}

// ---- GEMM ----

void checkGemm(int64_t batch, int64_t m, int64_t n, int64_t k, bool ta, bool tb, bool broadcastA, bool broadcastB, bool tf32) {
  const int64_t aStride = broadcastA ? 0 : m * k, bStride = broadcastB ? 0 : k * n;
  const auto a = randomValues(static_cast<size_t>((broadcastA ? 1 : batch) * m * k), 11 + m);
  const auto b = randomValues(static_cast<size_t>((broadcastB ? 1 : batch) * k * n), 13 + n);
  const std::string name = "gemm " + dims({batch, m, n, k}) + (ta ? " tA" : "") + (tb ? " tB" : "") + (broadcastA ? " A-stride0" : "") +
                           (broadcastB ? " B-stride0" : "") + (tf32 ? " tf32" : " fp32");
  guarded(name, [&] {
    std::unique_ptr<Buf> da(toDevice(a)), db(toDevice(b));
    Buf dc(static_cast<size_t>(batch * m * n) * 4);
    gpu::setTf32(tf32);
    gpu::launchBatchMatMul(da->ptr(), db->ptr(), dc.ptr(), batch, m, n, k, ta, tb, aStride, bStride);
    const auto got = fromDevice<float>(dc, static_cast<size_t>(batch * m * n));
    const auto ref = gemmRef(a.data(), b.data(), batch, m, n, k, ta, tb, aStride, bStride);
    const auto bound = gemmRef(a.data(), b.data(), batch, m, n, k, ta, tb, aStride, bStride, true);
    const double tol = gemmTolerance(k, tf32);
    const double err = boundedError(got, ref, bound);
    record(name, err <= tol, err, tol);
  });
}

void gemmSweep(bool small) {
  const std::vector<int64_t> edges =
      small ? std::vector<int64_t>{1, 17, 65} : std::vector<int64_t>{1, 15, 16, 17, 63, 64, 65, 127, 128, 129, 1000};
  for (bool tf32 : {false, true}) {
    for (int64_t m : edges)
      for (int64_t n : edges) checkGemm(1, m, n, 33, false, false, false, false, tf32);
    // K across the 16-deep tile and into split-K (chunks of ≥ 256, so K ≥ 512 splits when the output is small).
    const std::vector<int64_t> ks =
        small ? std::vector<int64_t>{1, 17, 600} : std::vector<int64_t>{1, 15, 16, 17, 63, 64, 65, 127, 128, 129, 512, 1000, 4097};
    for (int64_t k : ks) checkGemm(1, 65, 17, k, false, false, false, false, tf32);
    for (bool ta : {false, true})
      for (bool tb : {false, true}) checkGemm(3, 65, 17, small ? 40 : 129, ta, tb, false, false, tf32);
    checkGemm(3, 17, 65, 70, false, true, true, false, tf32);
    checkGemm(3, 17, 65, 70, true, false, false, true, tf32);
    if (!small) checkGemm(2, 1000, 1000, 1000, false, false, false, false, tf32);
  }
  gpu::setTf32(true);
}

// ---- convolution ----

gpu::ConvGeometry toGeometry(const Conv& c) {
  return {c.batch, c.inH, c.inW, c.inC, c.outH, c.outW, c.outC, c.fH, c.fW, c.sH, c.sW, c.dH, c.dW, c.padTop, c.padLeft};
}

void checkConv(const Conv& c, const std::string& label, bool tf32) {
  const auto x = randomValues(static_cast<size_t>(inputSize(c)), 21);
  const auto w = randomValues(static_cast<size_t>(filterSize(c)), 22);
  const auto dy = randomValues(static_cast<size_t>(outputSize(c)), 23);
  const gpu::ConvGeometry g = toGeometry(c);
  const std::string suffix = " " + label + (tf32 ? " tf32" : " fp32");
  gpu::setTf32(tf32);
  guarded("conv forward" + suffix, [&] {
    std::unique_ptr<Buf> dx(toDevice(x)), dw(toDevice(w));
    Buf y(static_cast<size_t>(outputSize(c)) * 4);
    gpu::launchConvForward(g, dx->ptr(), dw->ptr(), y.ptr());
    const double err =
        boundedError(fromDevice<float>(y, dy.size()), convForwardRef(c, x.data(), w.data()), convForwardRef(c, x.data(), w.data(), true));
    const double tol = gemmTolerance(int64_t{c.fH} * c.fW * c.inC, tf32);
    record("conv forward" + suffix, err <= tol, err, tol);
  });
  guarded("conv backward-data" + suffix, [&] {
    std::unique_ptr<Buf> ddy(toDevice(dy)), dw(toDevice(w));
    Buf out(static_cast<size_t>(inputSize(c)) * 4);
    gpu::launchConvBackwardData(g, ddy->ptr(), dw->ptr(), out.ptr());
    const double err = boundedError(fromDevice<float>(out, x.size()), convBackwardDataRef(c, dy.data(), w.data()),
                                    convBackwardDataRef(c, dy.data(), w.data(), true));
    const double tol = gemmTolerance(int64_t{c.fH} * c.fW * c.outC, tf32);
    record("conv backward-data" + suffix, err <= tol, err, tol);
  });
  guarded("conv backward-filter" + suffix, [&] {
    std::unique_ptr<Buf> dx(toDevice(x)), ddy(toDevice(dy));
    Buf out(static_cast<size_t>(filterSize(c)) * 4);
    gpu::launchConvBackwardFilter(g, dx->ptr(), ddy->ptr(), out.ptr());
    const double err = boundedError(fromDevice<float>(out, w.size()), convBackwardFilterRef(c, x.data(), dy.data()),
                                    convBackwardFilterRef(c, x.data(), dy.data(), true));
    const double tol = gemmTolerance(int64_t{c.batch} * c.outH * c.outW, tf32);
    record("conv backward-filter" + suffix, err <= tol, err, tol);
  });
}

struct ConvCase {
  Conv conv;
  const char* label;
};

std::vector<ConvCase> convCases(bool small) {
  std::vector<ConvCase> cases = {
      {makeConv(2, 9, 9, 3, 8, 3, 3, 1, 1, -1), "2x9x9x3 3x3 s1 same"},
      {makeConv(2, 10, 11, 5, 7, 3, 3, 2, 1, -1), "2x10x11x5 3x3 s2 same"},
      {makeConv(1, 13, 13, 4, 6, 3, 3, 3, 1, 0), "1x13x13x4 3x3 s3 valid"},
  };
  if (small) return cases;
  cases.push_back({makeConv(2, 12, 12, 3, 5, 3, 3, 1, 2, -1), "2x12x12x3 3x3 d2 same"});
  cases.push_back({makeConv(2, 7, 9, 6, 4, 1, 1, 1, 1, 0), "2x7x9x6 1x1 valid"});
  cases.push_back({makeConv(2, 7, 9, 6, 4, 1, 1, 2, 1, 0), "2x7x9x6 1x1 s2 valid"});
  cases.push_back({makeConv(1, 15, 15, 3, 8, 7, 7, 2, 1, -1), "1x15x15x3 7x7 s2 same"});
  cases.push_back({makeConv(3, 11, 11, 3, 8, 7, 7, 2, 1, 3), "3x11x11x3 7x7 s2 explicit 3"});
  cases.push_back({makeConv(2, 8, 8, 16, 16, 2, 2, 2, 1, 0), "2x8x8x16 2x2 s2 valid"});
  cases.push_back({makeConv(4, 31, 29, 17, 33, 3, 3, 1, 1, -1), "4x31x29x17 3x3 s1 same (odd)"});
  // dW with batch·H·W = 8192 terms: split-K on the filter gradient.
  cases.push_back({makeConv(8, 32, 32, 16, 16, 3, 3, 1, 1, -1), "8x32x32x16 3x3 s1 same (dW K=8192)"});
  return cases;
}

// ---- max pooling ----

gpu::PoolGeometry toGeometry(const Pool& p) {
  return {p.batch, p.inH, p.inW, p.channels, p.outH, p.outW, p.fH, p.fW, p.sH, p.sW, 1, 1, p.padTop, p.padLeft};
}

void checkPool(const Pool& p, const std::string& label, bool ties) {
  const size_t inputs = static_cast<size_t>(p.batch) * p.inH * p.inW * p.channels;
  const size_t outputs = static_cast<size_t>(p.batch) * p.outH * p.outW * p.channels;
  auto x = randomValues(inputs, 31);
  if (ties)
    for (auto& v : x) v = std::round(v * 2) / 2;  // five distinct values: many tied maxima
  const auto dy = randomValues(outputs, 32);
  const gpu::PoolGeometry g = toGeometry(p);
  guarded("maxPool " + label, [&] {
    std::unique_ptr<Buf> dx(toDevice(x));
    Buf y(outputs * 4);
    gpu::launchMaxPool(g, dx->ptr(), y.ptr());
    const auto got = fromDevice<float>(y, outputs);
    const auto ref = maxPoolRef(p, x.data());
    double err = 0;
    for (size_t i = 0; i < outputs; ++i)
      if (got[i] != ref[i]) err = 1;
    record("maxPool " + label, err == 0, err, 0);
  });
  for (bool deterministic : {false, true}) {
    const std::string name = "maxPoolGrad " + label + (deterministic ? " deterministic" : " atomic");
    guarded(name, [&] {
      std::unique_ptr<Buf> dx(toDevice(x)), ddy(toDevice(dy));
      Buf out(inputs * 4);
      gpu::setDeterministic(deterministic);
      gpu::launchMaxPoolGrad(g, dx->ptr(), ddy->ptr(), out.ptr());
      const auto first = fromDevice<float>(out, inputs);
      gpu::launchMaxPoolGrad(g, dx->ptr(), ddy->ptr(), out.ptr());
      const auto second = fromDevice<float>(out, inputs);
      gpu::setDeterministic(false);
      const auto ref = maxPoolGradRef(p, x.data(), dy.data());
      std::vector<double> bound(inputs, 0.0);
      for (size_t o = 0; o < outputs; ++o) {
        const int64_t best = poolArgmax(p, x.data(), static_cast<int64_t>(o));
        if (best >= 0) bound[static_cast<size_t>(best)] += std::fabs(dy[o]);
      }
      const double err = boundedError(first, ref, bound);
      const double tol = 16 * std::ldexp(1.0, -24);  // ≤ 9 windows overlap: a few roundings
      const bool repeatable = !deterministic || std::memcmp(first.data(), second.data(), inputs * 4) == 0;
      record(name, err <= tol && repeatable, err, tol, repeatable ? "" : "two runs differ in deterministic mode");
    });
  }
}

// ---- reductions ----

void checkReduce(int op, int64_t outer, int64_t inner) {
  static const char* names[] = {"sum", "mean", "max", "min", "prod"};
  const std::string name = std::string("reduce ") + names[op] + " " + dims({outer, inner});
  guarded(name, [&] {
    auto x = randomValues(static_cast<size_t>(outer * inner), 41 + op);
    if (op == 4)
      for (auto& v : x) v = 1.0f + v / 1024;  // products of many terms stay finite
    std::unique_ptr<Buf> dx(toDevice(x));
    Buf y(static_cast<size_t>(outer) * 4);
    gpu::launchReduce(static_cast<gpu::ReduceOp>(op), dx->ptr(), y.ptr(), outer, inner);
    const auto got = fromDevice<float>(y, static_cast<size_t>(outer));
    const auto ref = reduceRef(op, x.data(), outer, inner);
    std::vector<double> bound(static_cast<size_t>(outer));
    for (int64_t r = 0; r < outer; ++r) {
      double s = 0;
      for (int64_t j = 0; j < inner; ++j) s += std::fabs(x[r * inner + j]);
      bound[r] = op == 1 ? s / inner : op == 4 ? std::fabs(ref[r]) : op >= 2 ? 1.0 : s;
    }
    const double tol = op == 2 || op == 3 ? 0.0 : (inner + 2) * std::ldexp(1.0, -24) * (op == 4 ? 2 : 1);
    const double err = boundedError(got, ref, bound);
    record(name, err <= tol, err, tol);
  });
}

void reduceSweep(bool small) {
  const std::vector<int64_t> sizes = small ? std::vector<int64_t>{1, 33, 1025} : std::vector<int64_t>{1, 31, 32, 33, 1023, 1024, 1025};
  for (int op = 0; op < 5; ++op)
    for (int64_t outer : sizes)
      for (int64_t inner : sizes) checkReduce(op, outer, inner);
  if (!small) {
    checkReduce(0, 1, 10'000'000);
    checkReduce(2, 1, 10'000'000);
    checkReduce(0, 10'000'000, 1);
    checkReduce(1, 3, 10'000'000 / 3);
  }
}

// ---- elementwise: rank-6 broadcasts and copies, casts, unary ops ----

std::vector<int64_t> contiguous(const std::vector<int64_t>& shape) {
  std::vector<int64_t> s(shape.size(), 1);
  for (int d = static_cast<int>(shape.size()) - 2; d >= 0; --d) s[d] = s[d + 1] * shape[d + 1];
  return s;
}

void checkBroadcast() {
  const std::vector<int64_t> out = {2, 3, 4, 2, 5, 3}, aShape = {2, 1, 4, 1, 5, 1}, bShape = {1, 3, 1, 2, 1, 3};
  gpu::BroadcastGeometry g{6, {}, {}, {}};
  const auto as = contiguous(aShape), bs = contiguous(bShape);
  for (int d = 0; d < 6; ++d) {
    g.shape[d] = out[d];
    g.aStride[d] = aShape[d] == 1 ? 0 : as[d];
    g.bStride[d] = bShape[d] == 1 ? 0 : bs[d];
  }
  int64_t n = 1;
  for (int64_t d : out) n *= d;
  const auto a = randomValues(2 * 4 * 5, 51), b0 = randomValues(3 * 2 * 3, 52);
  std::vector<float> b(b0);
  for (auto& v : b) v = v + (v >= 0 ? 0.5f : -0.5f);  // no division by ~0
  static const char* names[] = {"add", "sub", "mul", "div", "max", "min", "pow", "squaredDifference"};
  for (int op = 0; op < static_cast<int>(gpu::BinaryOp::kCount); ++op) {
    if (op == 6 || op == 8 || op == 9) continue;  // pow of negatives is NaN; the gradient ops are covered by training
    const bool cmp = op >= 10;
    const std::string name = std::string("broadcast rank 6 ") + (op < 8 ? names[op] : "comparison " + std::to_string(op));
    guarded(name, [&] {
      std::unique_ptr<Buf> da(toDevice(a)), db(toDevice(b));
      Buf o(static_cast<size_t>(n) * 4);
      gpu::launchBinary(static_cast<gpu::BinaryOp>(op), da->ptr(), db->ptr(), o.ptr<void>(), g);
      const auto gotF = cmp ? std::vector<float>() : fromDevice<float>(o, static_cast<size_t>(n));
      const auto gotB = cmp ? fromDevice<uint8_t>(o, static_cast<size_t>(n)) : std::vector<uint8_t>();
      double err = 0;
      for (int64_t i = 0; i < n; ++i) {
        int64_t ai = 0, bi = 0, rest = i;
        for (int d = 5; d >= 0; --d) {
          const int64_t c = rest % out[d];
          rest /= out[d];
          ai += c * g.aStride[d];
          bi += c * g.bStride[d];
        }
        const double x = a[ai], y = b[bi];
        double ref = 0;
        switch (op) {
          case 0: ref = x + y; break;
          case 1: ref = x - y; break;
          case 2: ref = x * y; break;
          case 3: ref = x / y; break;
          case 4: ref = std::max(x, y); break;
          case 5: ref = std::min(x, y); break;
          case 7: ref = (x - y) * (x - y); break;
          case 10: ref = float(x) > float(y); break;
          case 11: ref = float(x) >= float(y); break;
          case 12: ref = float(x) < float(y); break;
          case 13: ref = float(x) <= float(y); break;
          case 14: ref = float(x) == float(y); break;
          default: ref = float(x) != float(y); break;
        }
        const double got = cmp ? gotB[i] : gotF[i];
        err = std::max(err, std::fabs(got - ref) / std::max(std::fabs(ref), 1e-30));
      }
      const double tol = cmp ? 0 : std::ldexp(1.0, -21);  // squaredDifference rounds (a − b), then squares: ~3 ulp
      record(name, err <= tol, err, tol);
    });
  }
}

void checkTranspose() {
  const std::vector<int64_t> shape = {2, 3, 4, 5, 2, 3};
  const int perm[6] = {5, 3, 0, 4, 1, 2};
  const auto xs = contiguous(shape);
  std::vector<int64_t> outShape(6);
  for (int d = 0; d < 6; ++d) outShape[d] = shape[perm[d]];
  const auto ys = contiguous(outShape);
  gpu::StridedCopy s{6, {}, {}, {}, 0, 0};
  for (int d = 0; d < 6; ++d) {
    s.shape[d] = outShape[d];
    s.xStride[d] = xs[perm[d]];
    s.yStride[d] = ys[d];
  }
  const auto x = randomValues(720, 61);
  guarded("strided copy rank-6 transpose", [&] {
    std::unique_ptr<Buf> dx(toDevice(x));
    Buf y(720 * 4);
    gpu::launchStridedCopy(dx->ptr(), y.ptr(), s, 4);
    const auto got = fromDevice<float>(y, 720);
    int wrong = 0;
    for (int64_t i = 0; i < 720; ++i) {
      int64_t xi = 0, rest = i;
      for (int d = 5; d >= 0; --d) {
        xi += (rest % outShape[d]) * xs[perm[d]];
        rest /= outShape[d];
      }
      if (got[i] != x[xi]) ++wrong;
    }
    record("strided copy rank-6 transpose", wrong == 0, wrong, 0);
  });
}

void checkCasts() {
  const std::vector<float> special = {NAN,  INFINITY, -INFINITY, 3.7f,          -3.7f,          2.5e9f, -3e9f,
                                      0.0f, -0.0f,    1e-30f,    2147483520.0f, -2147483648.0f, 0.5f};
  guarded("cast float32 → int32 (NaN, ±inf, out of range: ToInt32)", [&] {
    std::unique_ptr<Buf> dx(toDevice(special));
    Buf y(special.size() * 4);
    gpu::launchCast(dx->ptr(), 0, y.ptr<void>(), 1, static_cast<int64_t>(special.size()));
    const auto got = fromDevice<int32_t>(y, special.size());
    std::string wrong;
    for (size_t i = 0; i < special.size(); ++i)
      if (got[i] != toInt32Ref(special[i])) wrong += " " + std::to_string(special[i]) + "→" + std::to_string(got[i]);
    record("cast float32 → int32 (NaN, ±inf, out of range: ToInt32)", wrong.empty(), wrong.empty() ? 0 : 1, 0, wrong);
  });
  guarded("cast float32 → bool (NaN is true, ±0 false)", [&] {
    std::unique_ptr<Buf> dx(toDevice(special));
    Buf y(special.size());
    gpu::launchCast(dx->ptr(), 0, y.ptr<void>(), 2, static_cast<int64_t>(special.size()));
    const auto got = fromDevice<uint8_t>(y, special.size());
    int wrong = 0;
    for (size_t i = 0; i < special.size(); ++i) wrong += got[i] != ((std::isnan(special[i]) || special[i] != 0) ? 1 : 0);
    record("cast float32 → bool (NaN is true, ±0 false)", wrong == 0, wrong, 0);
  });
  guarded("cast int32 / bool → float32", [&] {
    const std::vector<int32_t> ints = {0, -1, 7, INT32_MAX, INT32_MIN, 16777217};
    const std::vector<uint8_t> bools = {0, 1, 1, 0};
    std::unique_ptr<Buf> di(toDevice(ints)), db(toDevice(bools));
    Buf fi(ints.size() * 4), fb(bools.size() * 4);
    gpu::launchCast(di->ptr<void>(), 1, fi.ptr<void>(), 0, static_cast<int64_t>(ints.size()));
    gpu::launchCast(db->ptr<void>(), 2, fb.ptr<void>(), 0, static_cast<int64_t>(bools.size()));
    const auto gi = fromDevice<float>(fi, ints.size()), gb = fromDevice<float>(fb, bools.size());
    int wrong = 0;
    for (size_t i = 0; i < ints.size(); ++i) wrong += gi[i] != static_cast<float>(ints[i]);
    for (size_t i = 0; i < bools.size(); ++i) wrong += gb[i] != static_cast<float>(bools[i]);
    record("cast int32 / bool → float32", wrong == 0, wrong, 0);
  });
}

void checkUnary() {
  struct U {
    gpu::UnaryOp op;
    const char* name;
    double (*ref)(double);
    bool positive;
  };
  const U ops[] = {
      {gpu::UnaryOp::kExp, "exp", [](double v) { return std::exp(v); }, false},
      {gpu::UnaryOp::kLog, "log", [](double v) { return std::log(v); }, true},
      {gpu::UnaryOp::kSqrt, "sqrt", [](double v) { return std::sqrt(v); }, true},
      {gpu::UnaryOp::kTanh, "tanh", [](double v) { return std::tanh(v); }, false},
      {gpu::UnaryOp::kSigmoid, "sigmoid", [](double v) { return 1 / (1 + std::exp(-v)); }, false},
      {gpu::UnaryOp::kRelu, "relu", [](double v) { return v > 0 ? v : 0.0; }, false},
      {gpu::UnaryOp::kNeg, "neg", [](double v) { return -v; }, false},
  };
  for (const U& u : ops) {
    const std::string name = std::string("unary ") + u.name + " (with NaN)";
    guarded(name, [&] {
      auto x = randomValues(4099, 71);
      if (u.positive)
        for (auto& v : x) v = std::fabs(v) + 0.01f;
      x[7] = NAN;
      std::unique_ptr<Buf> dx(toDevice(x));
      Buf y(x.size() * 4);
      gpu::launchUnary(u.op, dx->ptr(), y.ptr(), static_cast<int64_t>(x.size()), 0, 0);
      const auto got = fromDevice<float>(y, x.size());
      double err = 0;
      for (size_t i = 0; i < x.size(); ++i) {
        if (std::isnan(x[i])) {
          // NaN propagates, except ReLU, which tfjs-cpu maps to 0 (x > 0 ? x : 0)
          const bool ok = u.op == gpu::UnaryOp::kRelu ? got[i] == 0 : std::isnan(got[i]);
          if (!ok) err = INFINITY;
          continue;
        }
        const double ref = u.ref(x[i]);
        // relative, floored at 1e-2: log near 1 and tanh near 0 are tiny, where a few ulp of the input dominate
        err = std::max(err, std::fabs(got[i] - ref) / std::max(std::fabs(ref), 1e-2));
      }
      const double tol = std::ldexp(1.0, -20);
      record(name, err <= tol, err, tol);
    });
  }
}

// ---- limits: > 2³¹ elements, GEMM too large, out of memory ----

void checkHuge() {
  const int64_t n = (int64_t{1} << 31) + 7;
  guarded("fill + scale + sum over 2^31+7 elements (64-bit indexing)", [&] {
    Buf ones(static_cast<size_t>(n) * 4), b(static_cast<size_t>(n) * 4);
    uint32_t one;
    const float f = 1.0f;
    std::memcpy(&one, &f, 4);
    gpu::launchFill(ones.ptr(), n, one);
    gpu::launchUnary(gpu::UnaryOp::kScale, ones.ptr(), b.ptr(), n, 2.0f, 0);
    Buf sum(4);
    gpu::launchReduce(gpu::ReduceOp::kSum, b.ptr(), sum.ptr(), 1, n);
    const float total = fromDevice<float>(sum, 1)[0];
    float probes[4];
    const int64_t at[4] = {0, (int64_t{1} << 31) - 1, int64_t{1} << 31, n - 1};
    for (int i = 0; i < 4; ++i)
      if (cudaMemcpy(&probes[i], b.ptr() + at[i], 4, cudaMemcpyDeviceToHost) != cudaSuccess) throw std::runtime_error("cudaMemcpy probe");
    bool ok = true;
    for (float p : probes) ok = ok && p == 2.0f;
    const double err = std::fabs(total - 2.0 * n) / (2.0 * n);
    record("fill + scale + sum over 2^31+7 elements (64-bit indexing)", ok && err <= 1e-6, err, 1e-6,
           ok ? "" : "an element past 2^31 was not written");
  });
}

void checkGemmTooLarge() {
  guarded("GEMM too large for one launch throws", [&] {
    const int64_t m = int64_t{65535} * 64 + 1;
    Buf a(static_cast<size_t>(m) * 4), b(4), c(static_cast<size_t>(m) * 4);
    std::string message;
    try {
      gpu::launchBatchMatMul(a.ptr(), b.ptr(), c.ptr(), 1, m, 1, 1, false, false, m, 1);
    } catch (const std::exception& e) {
      message = e.what();
    }
    const bool ok = message.find("GEMM too large") != std::string::npos;
    record("GEMM too large for one launch throws", ok, ok ? 0 : 1, 0, message);
  });
}

void checkOutOfMemory() {
  guarded("out of memory is an error, then the next op succeeds", [&] {
    std::string message;
    try {
      Buf huge(size_t{1} << 42);  // 4 TiB
    } catch (const std::exception& e) {
      message = e.what();
    }
    const bool refused = message.find("out of device memory") != std::string::npos;
    Buf small(1024 * 4);
    gpu::launchFill(small.ptr(), 1024, 0x40400000u);  // 3.0f
    const auto got = fromDevice<float>(small, 1024);
    bool ok = refused;
    for (float v : got) ok = ok && v == 3.0f;
    record("out of memory is an error, then the next op succeeds", ok, ok ? 0 : 1, 0, message);
  });
}

// ---- deterministic split-K ----

void checkDeterministicSplitK(bool small) {
  guarded("deterministic split-K GEMM gives identical bits twice", [&] {
    const int64_t m = 65, n = 65, k = small ? 1024 : 8192;  // both split K on any device (chunks of ≥ 256)
    const auto a = randomValues(m * k, 81), b = randomValues(k * n, 82);
    std::unique_ptr<Buf> da(toDevice(a)), db(toDevice(b));
    Buf c(m * n * 4);
    gpu::setDeterministic(true);
    gpu::launchBatchMatMul(da->ptr(), db->ptr(), c.ptr(), 1, m, n, k, false, false, 0, 0);
    const auto first = fromDevice<float>(c, m * n);
    gpu::launchBatchMatMul(da->ptr(), db->ptr(), c.ptr(), 1, m, n, k, false, false, 0, 0);
    const auto second = fromDevice<float>(c, m * n);
    gpu::setDeterministic(false);
    const double err = boundedError(first, gemmRef(a.data(), b.data(), 1, m, n, k, false, false, 0, 0),
                                    gemmRef(a.data(), b.data(), 1, m, n, k, false, false, 0, 0, true));
    const double tol = gemmTolerance(k, gpu::tf32Enabled());
    const bool same = std::memcmp(first.data(), second.data(), first.size() * 4) == 0;
    record("deterministic split-K GEMM gives identical bits twice", same && err <= tol, err, tol, same ? "" : "two runs differ");
  });
}

// ---- the FedLoGe head kernels ----

struct Csr {
  int32_t rows, cols;
  std::vector<int32_t> rowPtr, colIdx;
  std::vector<float> values;
  CsrView view() const { return {rows, cols, rowPtr.data(), colIdx.data(), values.data()}; }
};

Csr randomCsr(int32_t rows, int32_t cols, uint64_t seed) {
  Csr s{rows, cols, {0}, {}, {}};
  const auto r = randomValues(static_cast<size_t>(rows) * cols, seed);
  for (int32_t i = 0; i < rows; ++i) {
    for (int32_t j = 0; j < cols; ++j)
      if (std::fabs(r[static_cast<size_t>(i) * cols + j]) < 0.3f) {
        s.colIdx.push_back(j);
        s.values.push_back(r[static_cast<size_t>(i) * cols + j] * 3);
      }
    s.rowPtr.push_back(static_cast<int32_t>(s.colIdx.size()));
  }
  return s;
}

double scaledError(const std::vector<float>& got, const std::vector<float>& ref) {
  double scale = 1e-30, err = 0;
  for (float v : ref) scale = std::max(scale, static_cast<double>(std::fabs(v)));
  for (size_t i = 0; i < ref.size(); ++i) {
    const double e = std::fabs(static_cast<double>(got[i]) - ref[i]) / scale;
    if (!(e <= err)) err = std::isnan(e) ? INFINITY : e;
  }
  return err;
}

void checkHeads(int32_t batch, int32_t classes, int32_t dim, uint64_t seed) {
  const std::string size = " " + dims({batch, classes, dim});
  const double tol = 1e-4;
  const Csr s = randomCsr(classes, dim, seed);
  const auto f = randomValues(static_cast<size_t>(batch) * dim, seed + 1);
  const auto bias = randomValues(static_cast<size_t>(classes), seed + 2);
  const auto gl = randomValues(static_cast<size_t>(batch) * classes, seed + 3);
  std::vector<int32_t> labels(static_cast<size_t>(batch));
  for (int32_t b = 0; b < batch; ++b) labels[b] = (b * 7 + 3) % classes;
  guarded("csrProjectForward" + size, [&] {
    std::vector<float> got(static_cast<size_t>(batch) * classes), ref(got.size());
    csrProjectForwardCuda(f.data(), batch, s.view(), bias.data(), got.data());
    csrProjectForwardCpu(f.data(), batch, s.view(), bias.data(), ref.data());
    const double err = scaledError(got, ref);
    record("csrProjectForward" + size, err <= tol, err, tol);
  });
  guarded("csrProjectBackward" + size, [&] {
    std::vector<float> got(static_cast<size_t>(batch) * dim), ref(got.size());
    csrProjectBackwardCuda(gl.data(), batch, s.view(), got.data());
    csrProjectBackwardCpu(gl.data(), batch, s.view(), ref.data());
    const double err = scaledError(got, ref);
    record("csrProjectBackward" + size, err <= tol, err, tol);
  });
  guarded("csrCrossEntropy" + size, [&] {
    std::vector<float> got(static_cast<size_t>(batch) * dim), ref(got.size());
    const double lossGot = csrCrossEntropyCuda(f.data(), batch, s.view(), bias.data(), labels.data(), got.data());
    const double lossRef = csrCrossEntropyCpu(f.data(), batch, s.view(), bias.data(), labels.data(), ref.data());
    const double err = std::max(scaledError(got, ref), std::fabs(lossGot - lossRef) / std::max(1.0, std::fabs(lossRef)));
    record("csrCrossEntropy" + size, err <= tol, err, tol);
  });
  guarded("renormRows" + size, [&] {
    const auto w = randomValues(static_cast<size_t>(classes) * dim, seed + 4);
    std::vector<float> got(w.size()), ref(w.size());
    renormRowsCuda(w.data(), classes, dim, 1.7f, got.data());
    renormRowsCpu(w.data(), classes, dim, 1.7f, ref.data());
    const double err = scaledError(got, ref);
    record("renormRows" + size, err <= tol, err, tol);
  });
  guarded("matchRowNorms" + size, [&] {
    const int32_t clients = 3;
    const auto g = randomValues(static_cast<size_t>(classes) * dim, seed + 5);
    const auto locals = randomValues(static_cast<size_t>(clients) * classes * dim, seed + 6);
    std::vector<uint8_t> masked(static_cast<size_t>(clients) * classes);
    for (size_t i = 0; i < masked.size(); ++i) masked[i] = i % 5 == 1;
    std::vector<float> got(locals.size()), ref(locals.size());
    matchRowNormsCuda(g.data(), classes, dim, locals.data(), clients, masked.data(), -1e10f, got.data());
    matchRowNormsCpu(g.data(), classes, dim, locals.data(), clients, masked.data(), -1e10f, ref.data());
    const double err = scaledError(got, ref);
    record("matchRowNorms" + size, err <= tol, err, tol);
  });
}

// ---- the lost-device path (its own process: the context stays broken) ----

__global__ void faultKernel(float* p) { p[threadIdx.x] = 1.0f; }

int runLost() {
  Buf before(64);
  faultKernel<<<1, 32, 0, gpu::stream()>>>(reinterpret_cast<float*>(uintptr_t{8}));  // an illegal address on purpose
  std::string first, later, head;
  try {
    gpu::synchronize();
  } catch (const std::exception& e) {
    first = e.what();
  }
  try {
    Buf after(64);
  } catch (const std::exception& e) {
    later = e.what();
  }
  bool freed = true;
  try {
    gpu::deviceFree(before.h);
    before.h = 0;
  } catch (...) {
    freed = false;
  }
  try {
    float w[4] = {1, 2, 3, 4}, out[4];
    renormRowsCuda(w, 1, 4, 1.0f, out);
  } catch (const std::exception& e) {
    head = e.what();
  }
  const bool lost = first.rfind("CUDA device lost: ", 0) == 0;
  record("sticky error: the first failing call says the device is lost", lost, lost ? 0 : 1, 0, first);
  const bool repeated = later == first && !gpu::lostReason().empty();
  record("sticky error: later calls fail with the first cause", repeated, repeated ? 0 : 1, 0, later);
  record("sticky error: freeing a buffer does not throw", freed, freed ? 0 : 1, 0);
  const bool headLost = head.rfind("CUDA device lost: ", 0) == 0;
  record("sticky error: the head kernels refuse with the same cause", headLost, headLost ? 0 : 1, 0, head);
  return 0;
}

// ---- benchmarks (--bench): CUDA events on the backend's stream, medians ----

std::vector<std::pair<std::string, double>> figures;

double eventMs(const std::function<void()>& fn, int reps) {
  cudaEvent_t start, end;
  cuda::check(cudaEventCreate(&start), "cudaEventCreate");
  cuda::check(cudaEventCreate(&end), "cudaEventCreate");
  for (int i = 0; i < 2; ++i) fn();
  std::vector<double> times;
  for (int i = 0; i < reps; ++i) {
    cuda::check(cudaEventRecord(start, gpu::stream()), "cudaEventRecord");
    fn();
    cuda::check(cudaEventRecord(end, gpu::stream()), "cudaEventRecord");
    cuda::check(cudaEventSynchronize(end), "cudaEventSynchronize");
    float ms = 0;
    cuda::check(cudaEventElapsedTime(&ms, start, end), "cudaEventElapsedTime");
    times.push_back(ms);
  }
  cudaEventDestroy(start);
  cudaEventDestroy(end);
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

void figure(const std::string& name, double value, const char* unit) {
  figures.emplace_back(name, value);
  std::printf("bench %s: %.3f %s\n", name.c_str(), value, unit);
  std::fflush(stdout);
}

void runBench() {
  {
    const int64_t n = 4096;
    Buf a(n * n * 4), b(n * n * 4), c(n * n * 4);
    gpu::launchFill(a.ptr(), n * n, 0x3f800000u);
    gpu::launchFill(b.ptr(), n * n, 0x3f000000u);
    for (bool tf32 : {true, false}) {
      gpu::setTf32(tf32);
      const double ms = eventMs([&] { gpu::launchBatchMatMul(a.ptr(), b.ptr(), c.ptr(), 1, n, n, n, false, false, 0, 0); }, 10);
      figure(std::string("gemm_4096_ms.") + (tf32 ? "tf32" : "fp32"), ms, "ms");
      figure(std::string("gemm_4096_TFLOPs.") + (tf32 ? "tf32" : "fp32"), 2.0 * n * n * n / ms / 1e9, "TFLOP/s");
    }
    gpu::setTf32(true);
  }
  const int64_t n = int64_t{1} << 28;  // 1 GiB of float32 per buffer
  const double gb = n * 4 / 1e9;
  Buf x(n * 4), y(n * 4), z(n * 4), r(16384 * 4);
  gpu::launchFill(x.ptr(), n, 0x3f800000u);
  gpu::launchFill(z.ptr(), n, 0x3f800000u);
  const double copy =
      eventMs([&] { cuda::check(cudaMemcpyAsync(y.ptr(), x.ptr(), n * 4, cudaMemcpyDeviceToDevice, gpu::stream()), "copy"); }, 10);
  figure("copy_d2d_GBps", 2 * gb / copy * 1e3, "GB/s");
  gpu::BroadcastGeometry g{1, {n}, {1}, {1}};
  const double add = eventMs([&] { gpu::launchBinary(gpu::BinaryOp::kAdd, x.ptr(), z.ptr(), y.ptr<void>(), g); }, 10);
  figure("add_GBps", 3 * gb / add * 1e3, "GB/s");
  const double relu = eventMs([&] { gpu::launchUnary(gpu::UnaryOp::kRelu, x.ptr(), y.ptr(), n, 0, 0); }, 10);
  figure("relu_GBps", 2 * gb / relu * 1e3, "GB/s");
  const double rows = eventMs([&] { gpu::launchReduce(gpu::ReduceOp::kSum, x.ptr(), r.ptr(), 16384, n / 16384); }, 10);
  figure("sum_16384_rows_GBps", gb / rows * 1e3, "GB/s");
  const double one = eventMs([&] { gpu::launchReduce(gpu::ReduceOp::kSum, x.ptr(), r.ptr(), 1, n); }, 3);
  figure("sum_one_row_GBps", gb / one * 1e3, "GB/s");  // one block per row: a whole-tensor sum uses one SM
}

std::string jsonEscape(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '"' || c == '\\')
      o += '\\', o += c;
    else if (static_cast<unsigned char>(c) < 0x20)
      o += ' ';
    else
      o += c;
  }
  return o;
}

std::string jsonNumber(double v) {
  if (!std::isfinite(v)) return "null";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  bool small = false, lost = false, benchmark = false;
  const char* json = nullptr;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--small"))
      small = true;
    else if (!std::strcmp(argv[i], "--lost"))
      lost = true;
    else if (!std::strcmp(argv[i], "--bench"))
      benchmark = true;
    else if (!std::strcmp(argv[i], "--json") && i + 1 < argc)
      json = argv[++i];
    else {
      std::fprintf(stderr, "usage: %s [--small | --lost | --bench] [--json FILE]\n", argv[0]);
      return 2;
    }
  }
  const gpu::DeviceStatus status = gpu::deviceStatus();
  std::printf("device: %s, compute capability %d.%d, build archs %s\n", status.available ? status.deviceName.c_str() : "none",
              status.computeMajor, status.computeMinor, status.architectures.c_str());
  record("device available", status.available, status.available ? 0 : 1, 0, status.reason);
  if (status.available) {
    if (lost) {
      runLost();
    } else if (benchmark) {
      guarded("benchmark", [] {
        runBench();
        record("benchmark ran", true, 0, 0);
      });
    } else {
      gemmSweep(small);
      for (bool tf32 : {false, true})
        for (const ConvCase& c : convCases(small)) checkConv(c.conv, c.label, tf32);
      gpu::setTf32(true);
      checkPool(makePool(2, 9, 9, 5, 3, 2, false), "2x9x9x5 3x3 s2 valid (overlapping)", false);
      checkPool(makePool(2, 10, 10, 3, 3, 2, true), "2x10x10x3 3x3 s2 same (overlapping)", false);
      checkPool(makePool(2, 8, 8, 3, 3, 1, true), "2x8x8x3 3x3 s1 same, ties", true);
      if (!small) checkPool(makePool(4, 33, 31, 16, 2, 2, false), "4x33x31x16 2x2 s2 valid", false);
      reduceSweep(small);
      checkBroadcast();
      checkTranspose();
      checkCasts();
      checkUnary();
      checkDeterministicSplitK(small);
      checkHeads(37, 10, 64, 91);
      if (!small) {
        checkHeads(1000, 1000, 512, 92);  // outgrows the scratch memory of the call before
        checkHeads(5, 100, 33, 93);       // and shrinks again
        checkGemmTooLarge();
        checkOutOfMemory();
        checkHuge();
      }
    }
  }
  int passed = 0, failed = 0;
  for (const Result& r : results) (r.ok ? passed : failed)++;
  std::printf("%d passed, %d failed\n", passed, failed);
  if (json) {
    FILE* out = std::fopen(json, "w");
    if (out) {
      std::fprintf(out, "{\"device\":\"%s\",\"passed\":%d,\"failed\":%d,\"results\":[", jsonEscape(status.deviceName).c_str(), passed,
                   failed);
      for (size_t i = 0; i < results.size(); ++i) {
        const Result& r = results[i];
        std::fprintf(out, "%s{\"name\":\"%s\",\"ok\":%s,\"error\":%s,\"tolerance\":%s,\"detail\":\"%s\"}", i ? "," : "",
                     jsonEscape(r.name).c_str(), r.ok ? "true" : "false", jsonNumber(r.error).c_str(), jsonNumber(r.tolerance).c_str(),
                     jsonEscape(r.detail).c_str());
      }
      std::fprintf(out, "],\"bench\":{");
      for (size_t i = 0; i < figures.size(); ++i)
        std::fprintf(out, "%s\"%s\":%s", i ? "," : "", jsonEscape(figures[i].first).c_str(), jsonNumber(figures[i].second).c_str());
      std::fprintf(out, "}}\n");
      std::fclose(out);
    }
  }
  return failed == 0 && passed > 0 ? 0 : 1;
}
