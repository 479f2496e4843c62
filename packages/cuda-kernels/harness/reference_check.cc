// CPU checks of the harness's double-precision references (reference.h), so a GPU comparison never rests on an
// untested oracle: the three convolution references must be adjoint (⟨conv(x,w), dy⟩ = ⟨x, dx(dy,w)⟩ = ⟨w, dW(x,dy)⟩),
// a 1×1 convolution must equal a GEMM, transposed GEMM storage must give the same product, the max-pool gradient must
// match finite differences, and casts and reductions must give hand-computed values. Prints "N passed, N failed";
// exits non-zero on any failure. Built and run by src/gpu-harness.test.ts with g++ (no CUDA needed).
#include <cstdio>
#include <string>

#include "reference.h"

using namespace fedkern::harness;

namespace {

int passed = 0, failed = 0;

void expect(bool ok, const std::string& what) {
  if (ok) {
    ++passed;
  } else {
    ++failed;
    std::printf("FAIL %s\n", what.c_str());
  }
}

double dot(const std::vector<double>& a, const float* b) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

void checkAdjoint(const Conv& c, const std::string& name) {
  const auto x = randomValues(static_cast<size_t>(inputSize(c)), 1);
  const auto w = randomValues(static_cast<size_t>(filterSize(c)), 2);
  const auto dy = randomValues(static_cast<size_t>(outputSize(c)), 3);
  const double yDy = dot(convForwardRef(c, x.data(), w.data()), dy.data());
  const double xDx = dot(convBackwardDataRef(c, dy.data(), w.data()), x.data());
  const double wDw = dot(convBackwardFilterRef(c, x.data(), dy.data()), w.data());
  const double scale = std::max(1.0, std::fabs(yDy));
  expect(std::fabs(yDy - xDx) < 1e-9 * scale && std::fabs(yDy - wDw) < 1e-9 * scale, "conv adjointness " + name);
}

}  // namespace

int main() {
  // Strides 1-3, dilation 2, same / valid / explicit, 1×1 and 7×7 with 3 channels, odd sizes.
  checkAdjoint(makeConv(2, 9, 9, 3, 4, 3, 3, 1, 1, -1), "3x3 s1 same");
  checkAdjoint(makeConv(2, 10, 11, 5, 3, 3, 3, 2, 1, -1), "3x3 s2 same");
  checkAdjoint(makeConv(1, 13, 13, 2, 3, 3, 3, 3, 1, 0), "3x3 s3 valid");
  checkAdjoint(makeConv(2, 12, 12, 3, 2, 3, 3, 1, 2, -1), "3x3 d2 same");
  checkAdjoint(makeConv(1, 15, 15, 3, 4, 7, 7, 2, 1, 3), "7x7 s2 explicit 3");

  {  // a 1×1 stride-1 convolution is the GEMM [N·H·W × C] · [C × outC]
    const Conv c = makeConv(2, 5, 7, 6, 4, 1, 1, 1, 1, 0);
    const auto x = randomValues(static_cast<size_t>(inputSize(c)), 4);
    const auto w = randomValues(static_cast<size_t>(filterSize(c)), 5);
    const auto y = convForwardRef(c, x.data(), w.data());
    const auto g = gemmRef(x.data(), w.data(), 1, 2 * 5 * 7, 4, 6, false, false, 0, 0);
    double err = 0;
    for (size_t i = 0; i < y.size(); ++i) err = std::max(err, std::fabs(y[i] - g[i]));
    expect(err < 1e-12, "1x1 conv equals GEMM");
  }

  {  // transposed storage: Aᵀ stored [K×M] and Bᵀ stored [N×K] give the same product; batch stride 0 broadcasts
    const int64_t m = 5, n = 3, k = 4;
    const auto a = randomValues(m * k, 6), b = randomValues(k * n, 7);
    std::vector<float> at(m * k), bt(k * n);
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < k; ++j) at[j * m + i] = a[i * k + j];
    for (int64_t i = 0; i < k; ++i)
      for (int64_t j = 0; j < n; ++j) bt[j * k + i] = b[i * n + j];
    const auto plain = gemmRef(a.data(), b.data(), 2, m, n, k, false, false, 0, 0);
    const auto trans = gemmRef(at.data(), bt.data(), 2, m, n, k, true, true, 0, 0);
    double err = 0;
    for (size_t i = 0; i < plain.size(); ++i) err = std::max(err, std::fabs(plain[i] - trans[i]));
    expect(err < 1e-12, "GEMM transposes and batch stride 0");
    double byHand = 0;
    for (int64_t kk = 0; kk < k; ++kk) byHand += double(a[1 * k + kk]) * b[kk * n + 2];
    expect(std::fabs(plain[1 * n + 2] - byHand) < 1e-12, "GEMM element by hand");
  }

  {  // max-pool gradient = finite differences of ⟨maxPool(x), dy⟩ (distinct values: piecewise linear, no ties)
    const Pool p = makePool(1, 7, 7, 2, 3, 2, true);
    auto x = randomValues(7 * 7 * 2, 8);
    const auto dy = randomValues(static_cast<size_t>(p.outH * p.outW * 2), 9);
    const auto dx = maxPoolGradRef(p, x.data(), dy.data());
    double worst = 0;
    for (size_t i = 0; i < x.size(); ++i) {
      const float saved = x[i];
      const float h = 1.0f / 4096;  // smaller than the gap between distinct inputs (multiples of 2⁻²³ apart, mostly)
      x[i] = saved + h;
      const double up = dot(maxPoolRef(p, x.data()), dy.data());
      x[i] = saved - h;
      const double down = dot(maxPoolRef(p, x.data()), dy.data());
      x[i] = saved;
      worst = std::max(worst, std::fabs((up - down) / (2.0 * h) - dx[i]));
    }
    expect(worst < 1e-3, "max-pool gradient vs finite differences (worst " + std::to_string(worst) + ")");
    const std::vector<float> ties(7 * 7 * 2, 0.5f);  // all equal: the first tap of each window gets the gradient
    const auto tdx = maxPoolGradRef(p, ties.data(), dy.data());
    const int64_t first = poolArgmax(p, ties.data(), 0);
    expect(first == 0 && std::fabs(tdx[0] - dy[0]) < 1e-12, "max-pool tie goes to the first maximum");
  }

  {  // reductions and casts by hand
    const float v[6] = {1, -2, 3, 4, NAN, 0.5f};
    expect(reduceRef(0, v, 2, 3)[0] == 2 && reduceRef(1, v, 2, 3)[0] == 2.0 / 3, "sum / mean");
    expect(reduceRef(2, v, 2, 3)[0] == 3 && std::isnan(reduceRef(2, v, 2, 3)[1]) && std::isnan(reduceRef(3, v, 2, 3)[1]), "max / NaN");
    expect(reduceRef(4, v, 2, 3)[0] == -6, "prod");
    expect(toInt32Ref(NAN) == 0 && toInt32Ref(INFINITY) == 0 && toInt32Ref(-INFINITY) == 0, "ToInt32 of NaN and ±inf");
    expect(toInt32Ref(-3.7) == -3 && toInt32Ref(3e9) == -1294967296 && toInt32Ref(-2147483648.0) == INT32_MIN, "ToInt32 wraps");
  }

  std::printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
