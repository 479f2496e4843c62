// Reductions of the native backend over any set of axes of a row-major float32 tensor, without transposing: the
// axes are merged into alternating kept / reduced runs and walked in place (see reduce.cc). Semantics as tfjs-cpu:
// Max / Min propagate NaN, ArgMax / ArgMin keep the first extreme and skip NaN after the first element.
#pragma once

#include <cstdint>
#include <vector>

#include "broadcast.h"

namespace fedkern::native {

enum class ReduceOp { Sum, Mean, Max, Min };

/// out (size = product of the kept dimensions, in order) = op over `axes` (distinct, in [0, rank)) of x.
/// Sums accumulate in double. Over zero elements Sum gives 0, Mean NaN, Max −∞, Min +∞.
void reduceF32(ReduceOp op, const float* x, const Shape& shape, const std::vector<int>& axes, float* out);

/// out[o, i] = index r of the largest (isMax) or smallest x[o, r, i] over r < axisSize; axisSize ≥ 1.
void argReduceF32(bool isMax, const float* x, int64_t outer, int64_t axisSize, int64_t inner, int32_t* out);

/// out = softmax of each row of x [rows, cols]: exp(x − max) / Σ exp(x − max).
void softmaxF32(const float* x, int64_t rows, int64_t cols, float* out);

}  // namespace fedkern::native
