#include "reduce.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "parallel_for.h"

#ifdef _OPENMP
#include <omp.h>
#endif

namespace fedkern::native {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();

struct SumOp {
  using Acc = double;
  static Acc init() { return 0.0; }
  static Acc add(Acc a, float v) { return a + v; }
  static Acc merge(Acc a, Acc b) { return a + b; }
  /// Σ of n contiguous floats in eight double lanes (vectorised; no -ffast-math needed).
  static Acc run(const float* x, int64_t n) {
    double lanes[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
      for (int l = 0; l < 8; ++l) lanes[l] += x[i + l];
    double total = 0;
    for (int l = 0; l < 8; ++l) total += lanes[l];
    for (; i < n; ++i) total += x[i];
    return total;
  }
};

/// Max (IsMax) or Min that propagates NaN: once a NaN is taken nothing replaces it.
template <bool IsMax>
struct ExtremeOp {
  using Acc = float;
  static Acc init() { return IsMax ? -kInf : kInf; }
  static Acc add(Acc a, float v) { return (IsMax ? v > a : v < a) || v != v ? v : a; }
  static Acc merge(Acc a, Acc b) { return add(a, b); }
  static Acc run(const float* x, int64_t n) {
    float lanes[8];
    for (float& l : lanes) l = init();
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
      for (int l = 0; l < 8; ++l) lanes[l] = add(lanes[l], x[i + l]);
    float m = init();
    for (float l : lanes) m = add(m, l);
    for (; i < n; ++i) m = add(m, x[i]);
    return m;
  }
};

/// Dimensions of x after dropping size-1 axes and merging neighbours of the same kind (kept / reduced).
struct ReducePlan {
  Shape dims;
  std::vector<bool> reduced;
  Shape outStride;  // stride in the output of each dimension (0 for reduced ones)
  int64_t outSize = 1, reduceSize = 1;
};

ReducePlan planReduce(const Shape& shape, const std::vector<int>& axes) {
  const int rank = static_cast<int>(shape.size());
  std::vector<bool> isReduced(rank, false);
  for (int a : axes) {
    if (a < 0 || a >= rank)
      throw std::invalid_argument("axis " + std::to_string(a) + " is outside a rank-" + std::to_string(rank) + " tensor");
    if (isReduced[a]) throw std::invalid_argument("axis " + std::to_string(a) + " is listed twice");
    isReduced[a] = true;
  }
  ReducePlan plan;
  for (int j = 0; j < rank; ++j) {
    (isReduced[j] ? plan.reduceSize : plan.outSize) *= shape[j];
    if (shape[j] == 1) continue;
    if (!plan.dims.empty() && plan.reduced.back() == isReduced[j]) {
      plan.dims.back() *= shape[j];
    } else {
      plan.dims.push_back(shape[j]);
      plan.reduced.push_back(isReduced[j]);
    }
  }
  plan.outStride.assign(plan.dims.size(), 0);
  int64_t stride = 1;
  for (size_t j = plan.dims.size(); j-- > 0;) {
    if (plan.reduced[j]) continue;
    plan.outStride[j] = stride;
    stride *= plan.dims[j];
  }
  return plan;
}

/// Folds positions [begin, end) — a position is one innermost run of x — into acc (indexed like out).
template <typename Op>
void accumulate(const ReducePlan& plan, const float* x, int64_t begin, int64_t end, typename Op::Acc* acc) {
  const size_t last = plan.dims.size() - 1;
  const int64_t inner = plan.dims[last];
  for (int64_t p = begin; p < end; ++p) {
    int64_t outOff = 0;
    for (int64_t rest = p, j = static_cast<int64_t>(last); j-- > 0;) {
      outOff += (rest % plan.dims[j]) * plan.outStride[j];
      rest /= plan.dims[j];
    }
    const float* row = x + p * inner;
    if (plan.reduced[last]) {
      acc[outOff] = Op::merge(acc[outOff], Op::run(row, inner));
    } else {
      typename Op::Acc* a = acc + outOff;
      for (int64_t i = 0; i < inner; ++i) a[i] = Op::add(a[i], row[i]);
    }
  }
}

template <typename Op>
void reduceWith(const float* x, const ReducePlan& plan, double scale, float* out) {
  using Acc = typename Op::Acc;
  std::vector<Acc> acc(plan.outSize, Op::init());
  const int64_t n = plan.outSize * plan.reduceSize;
  if (plan.dims.empty() || n == 0) {  // a single element (or nothing) to copy through
    if (n == 1) acc[0] = Op::add(acc[0], x[0]);
  } else {
    const int64_t positions = n / plan.dims.back();
    int threads = 1;
#ifdef _OPENMP
    threads = omp_get_max_threads();
#endif
    const bool large = n >= 2 * kElementsPerTask && threads > 1;
    if (large && !plan.reduced[0] && plan.dims[0] > 1) {
      // Each index of the outermost (kept) dimension owns a disjoint block of outputs.
      const int64_t per = positions / plan.dims[0];
      parallelChunks(plan.dims[0], std::max<int64_t>(1, kElementsPerTask / std::max<int64_t>(1, n / plan.dims[0])),
                     [&](int64_t b, int64_t e) { accumulate<Op>(plan, x, b * per, e * per, acc.data()); });
    } else if (large && plan.outSize * threads <= n / 16) {
      // Outermost dimension reduced: private partial results per thread, merged in thread order.
      std::vector<std::vector<Acc>> partial(threads, std::vector<Acc>(plan.outSize, Op::init()));
#pragma omp parallel num_threads(threads)
      {
        int t = 0, team = 1;
#ifdef _OPENMP
        t = omp_get_thread_num();
        team = omp_get_num_threads();  // may be fewer than asked for
#endif
        const int64_t chunk = (positions + team - 1) / team;
        const int64_t b = std::min(positions, t * chunk), e = std::min(positions, b + chunk);
        accumulate<Op>(plan, x, b, e, partial[t].data());
      }
      for (int t = 0; t < threads; ++t)
        for (int64_t i = 0; i < plan.outSize; ++i) acc[i] = Op::merge(acc[i], partial[t][i]);
    } else {
      accumulate<Op>(plan, x, 0, positions, acc.data());
    }
  }
  for (int64_t i = 0; i < plan.outSize; ++i) out[i] = static_cast<float>(acc[i] * scale);
}

}  // namespace

void reduceF32(ReduceOp op, const float* x, const Shape& shape, const std::vector<int>& axes, float* out) {
  const ReducePlan plan = planReduce(shape, axes);
  switch (op) {
    case ReduceOp::Sum: return reduceWith<SumOp>(x, plan, 1.0, out);
    case ReduceOp::Mean:
      return reduceWith<SumOp>(x, plan, plan.reduceSize == 0 ? std::nan("") : 1.0 / static_cast<double>(plan.reduceSize), out);
    case ReduceOp::Max: return reduceWith<ExtremeOp<true>>(x, plan, 1.0, out);
    case ReduceOp::Min: return reduceWith<ExtremeOp<false>>(x, plan, 1.0, out);
  }
}

void argReduceF32(bool isMax, const float* x, int64_t outer, int64_t axisSize, int64_t inner, int32_t* out) {
  if (axisSize < 1) throw std::invalid_argument("ArgMax/ArgMin over an empty axis");
  auto better = [isMax](float v, float best) { return isMax ? v > best : v < best; };
  parallelChunks(outer, std::max<int64_t>(1, kElementsPerTask / std::max<int64_t>(1, axisSize * inner)), [&](int64_t b, int64_t e) {
    std::vector<float> best(inner);
    for (int64_t o = b; o < e; ++o) {
      const float* base = x + o * axisSize * inner;
      int32_t* idx = out + o * inner;
      for (int64_t i = 0; i < inner; ++i) {
        best[i] = base[i];
        idx[i] = 0;
      }
      for (int64_t r = 1; r < axisSize; ++r) {
        const float* row = base + r * inner;
        for (int64_t i = 0; i < inner; ++i) {
          if (better(row[i], best[i])) {
            best[i] = row[i];
            idx[i] = static_cast<int32_t>(r);
          }
        }
      }
    }
  });
}

void softmaxF32(const float* x, int64_t rows, int64_t cols, float* out) {
  parallelChunks(rows, std::max<int64_t>(1, kElementsPerTask / std::max<int64_t>(1, cols)), [&](int64_t b, int64_t e) {
    for (int64_t r = b; r < e; ++r) {
      const float* xr = x + r * cols;
      float* yr = out + r * cols;
      const float m = ExtremeOp<true>::run(xr, cols);
      double total = 0;
      for (int64_t c = 0; c < cols; ++c) {
        yr[c] = std::exp(xr[c] - m);
        total += yr[c];
      }
      const float inv = static_cast<float>(1.0 / total);
      for (int64_t c = 0; c < cols; ++c) yr[c] *= inv;
    }
  });
}

}  // namespace fedkern::native
