// Two passes per direction over the [m, c] view. The column sums accumulate in double: a float running sum over
// m = 32·32·32 rows loses ~4 digits, and double makes the one-pass E[x²] − μ² variance safe for float inputs.
// Rows are split among OpenMP threads, each with private column accumulators, reduced in thread order (so a given
// thread count always gives the same bits).
#include "batch_norm.h"

#include <algorithm>
#include <cmath>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace fedkern::native {
namespace {

/// Below this many elements a pass runs on the calling thread (fork-join would cost more than it saves).
constexpr int64_t kParallelElements = int64_t{1} << 16;

int threadsFor(int64_t elements) {
#ifdef _OPENMP
  return elements >= kParallelElements ? omp_get_max_threads() : 1;
#else
  (void)elements;
  return 1;
#endif
}

/// Per column: a[j] = Σ_r f(r, j).first, b[j] = Σ_r f(r, j).second, in double, for rows [0, m).
template <typename Pair>
void columnSums2(int64_t m, int64_t c, Pair&& pair, std::vector<double>& a, std::vector<double>& b) {
  const int threads = threadsFor(m * c);
  std::vector<double> partial(static_cast<size_t>(threads) * 2 * c, 0.0);
#pragma omp parallel num_threads(threads) if (threads > 1)
  {
#ifdef _OPENMP
    const int t = omp_get_thread_num();
    const int nt = omp_get_num_threads();
#else
    const int t = 0, nt = 1;
#endif
    const int64_t chunk = (m + nt - 1) / nt;
    const int64_t begin = t * chunk, end = std::min(m, begin + chunk);
    double* sa = partial.data() + static_cast<size_t>(t) * 2 * c;
    double* sb = sa + c;
    for (int64_t r = begin; r < end; ++r) pair(r, sa, sb);
  }
  a.assign(c, 0.0);
  b.assign(c, 0.0);
  for (int t = 0; t < threads; ++t) {
    const double* sa = partial.data() + static_cast<size_t>(t) * 2 * c;
    for (int64_t j = 0; j < c; ++j) {
      a[j] += sa[j];
      b[j] += sa[c + j];
    }
  }
}

/// row(r) for every r in [0, m), rows split among threads when the pass is large.
template <typename Row>
void forRows(int64_t m, int64_t c, Row&& row) {
  const int threads = threadsFor(m * c);
#pragma omp parallel for num_threads(threads) if (threads > 1) schedule(static)
  for (int64_t r = 0; r < m; ++r) row(r);
}

}  // namespace

void batchNormTrainForward(const float* x, int64_t m, int64_t c, const float* gamma, const float* beta, float eps, float* y, float* mean,
                           float* variance) {
  std::vector<double> sum, sumSq;
  columnSums2(
      m, c,
      [&](int64_t r, double* s, double* s2) {
        const float* xr = x + r * c;
        for (int64_t j = 0; j < c; ++j) {
          const double v = xr[j];
          s[j] += v;
          s2[j] += v * v;
        }
      },
      sum, sumSq);
  std::vector<float> scale(c), shift(c);
  for (int64_t j = 0; j < c; ++j) {
    const double mu = sum[j] / static_cast<double>(m);
    const double var = std::max(0.0, sumSq[j] / static_cast<double>(m) - mu * mu);
    const double s = static_cast<double>(gamma[j]) / std::sqrt(var + static_cast<double>(eps));
    mean[j] = static_cast<float>(mu);
    variance[j] = static_cast<float>(var);
    scale[j] = static_cast<float>(s);
    shift[j] = static_cast<float>(static_cast<double>(beta[j]) - mu * s);
  }
  const float* sc = scale.data();
  const float* sh = shift.data();
  forRows(m, c, [&](int64_t r) {
    const float* xr = x + r * c;
    float* yr = y + r * c;
    for (int64_t j = 0; j < c; ++j) yr[j] = xr[j] * sc[j] + sh[j];
  });
}

void batchNormTrainBackward(const float* dy, const float* x, int64_t m, int64_t c, const float* gamma, const float* mean,
                            const float* variance, float eps, float* dx, float* dGamma, float* dBeta) {
  std::vector<float> invStd(c);
  for (int64_t j = 0; j < c; ++j)
    invStd[j] = static_cast<float>(1.0 / std::sqrt(static_cast<double>(variance[j]) + static_cast<double>(eps)));
  const float* is = invStd.data();
  std::vector<double> sumDy, sumDyXHat;
  columnSums2(
      m, c,
      [&](int64_t r, double* s, double* s2) {
        const float* dyr = dy + r * c;
        const float* xr = x + r * c;
        for (int64_t j = 0; j < c; ++j) {
          const float xHat = (xr[j] - mean[j]) * is[j];
          s[j] += dyr[j];
          s2[j] += static_cast<double>(dyr[j]) * xHat;
        }
      },
      sumDy, sumDyXHat);
  // dx = a·dy − b·x̂ − k per column, with a = γ·invStd, b = a·dγ/m, k = a·dβ/m.
  std::vector<float> a(c), b(c), k(c);
  for (int64_t j = 0; j < c; ++j) {
    dBeta[j] = static_cast<float>(sumDy[j]);
    dGamma[j] = static_cast<float>(sumDyXHat[j]);
    const double aj = static_cast<double>(gamma[j]) * is[j];
    a[j] = static_cast<float>(aj);
    b[j] = static_cast<float>(aj * sumDyXHat[j] / static_cast<double>(m));
    k[j] = static_cast<float>(aj * sumDy[j] / static_cast<double>(m));
  }
  const float *pa = a.data(), *pb = b.data(), *pk = k.data();
  forRows(m, c, [&](int64_t r) {
    const float* dyr = dy + r * c;
    const float* xr = x + r * c;
    float* dxr = dx + r * c;
    for (int64_t j = 0; j < c; ++j) {
      const float xHat = (xr[j] - mean[j]) * is[j];
      dxr[j] = pa[j] * dyr[j] - pb[j] * xHat - pk[j];
    }
  });
}

}  // namespace fedkern::native
