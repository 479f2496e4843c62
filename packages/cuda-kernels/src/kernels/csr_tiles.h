// Inner loops shared by the CPU sparse-ETF kernels. They work on a tile of up to kBatchTile batch rows at once, so
// each non-zero of S (value + column index) is loaded once per tile instead of once per sample: S is the large
// operand (C·d·(1−sparsity) entries), the feature rows are small and stay in L1.
#pragma once

#include <cstdint>

#include "kernels.h"

namespace fedkern {

/// Batch rows processed together by the CPU sparse kernels.
constexpr int kBatchTile = 4;

/// out[t·S.rows + c] = Σ_j S[c, j] · x[t·xStride + j] for t < tile (tile ≤ kBatchTile). Accumulates in double.
template <typename In>
inline void projectTile(const In* x, int64_t xStride, int tile, const CsrView& s, double* out) {
  for (int32_t c = 0; c < s.rows; ++c) {
    double acc[kBatchTile] = {0, 0, 0, 0};
    for (int32_t j = s.rowPtr[c]; j < s.rowPtr[c + 1]; ++j) {
      const double v = s.values[j];
      const int64_t col = s.colIdx[j];
      for (int t = 0; t < tile; ++t) acc[t] += v * static_cast<double>(x[t * xStride + col]);
    }
    for (int t = 0; t < tile; ++t) out[t * s.rows + c] = acc[t];
  }
}

/// out[t·S.cols + j] = Σ_c g[t·gStride + c] · S[c, j] for t < tile; out must hold tile·S.cols zeros on entry.
template <typename In>
inline void backProjectTile(const In* g, int64_t gStride, int tile, const CsrView& s, double* out) {
  for (int32_t c = 0; c < s.rows; ++c) {
    double gc[kBatchTile];
    for (int t = 0; t < tile; ++t) gc[t] = static_cast<double>(g[t * gStride + c]);
    for (int32_t j = s.rowPtr[c]; j < s.rowPtr[c + 1]; ++j) {
      const double v = s.values[j];
      const int64_t col = s.colIdx[j];
      for (int t = 0; t < tile; ++t) out[t * s.cols + col] += gc[t] * v;
    }
  }
}

}  // namespace fedkern
