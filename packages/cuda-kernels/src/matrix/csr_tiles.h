// Inner loops shared by the CPU sparse row projection kernels. They work on a tile of kBatchTile batch rows at once, stored
// transposed ([cols × kBatchTile], batch innermost), so each non-zero S[c, j] drives one contiguous kBatchTile-wide
// multiply-add that the compiler vectorises, instead of kBatchTile scalar gathers. S (value + column index) is thus
// read once per tile; the transposed tile (cols × 8 doubles, 32 KiB for d = 512) stays in L1.
// Accumulation is in double, so results match the float64 TypeScript reference to ~1e-7.
#pragma once

#include <algorithm>
#include <cstdint>

#include "matrix.h"

// Compile the hot loops for AVX2 as well as the x86-64 baseline and pick at load time (GCC/Clang function
// multi-versioning): a portable .node that still uses 256-bit vectors where the CPU has them.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__CUDACC__)
#define FEDKERN_TARGET_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define FEDKERN_TARGET_CLONES
#endif

namespace fedkern {

/// Batch rows processed together by the CPU sparse kernels.
constexpr int kBatchTile = 8;

/// tile[j·kBatchTile + t] = x[t·xStride + j] for t < rows (≤ kBatchTile), 0 for the unused lanes.
template <typename In>
inline void packTransposed(const In* x, int64_t xStride, int rows, int32_t cols, double* tile) {
  for (int32_t j = 0; j < cols; ++j) {
    double* dst = tile + int64_t{j} * kBatchTile;
    for (int t = 0; t < kBatchTile; ++t) dst[t] = t < rows ? static_cast<double>(x[t * xStride + j]) : 0.0;
  }
}

/// out[c·kBatchTile + t] = Σ_j S[c, j] · tile[j·kBatchTile + t]  (tile from packTransposed over S.cols).
FEDKERN_TARGET_CLONES
inline void projectTile(const double* tile, const CsrView& s, double* out) {
  for (int32_t c = 0; c < s.rows; ++c) {
    double acc[kBatchTile] = {};
    for (int32_t j = s.rowPtr[c]; j < s.rowPtr[c + 1]; ++j) {
      const double v = s.values[j];
      const double* x = tile + int64_t{s.colIdx[j]} * kBatchTile;
      for (int t = 0; t < kBatchTile; ++t) acc[t] += v * x[t];
    }
    std::copy(acc, acc + kBatchTile, out + int64_t{c} * kBatchTile);
  }
}

/// out[j·kBatchTile + t] += Σ_c g[c·kBatchTile + t] · S[c, j]  (g from packTransposed over S.rows; out zeroed first).
FEDKERN_TARGET_CLONES
inline void backProjectTile(const double* g, const CsrView& s, double* out) {
  for (int32_t c = 0; c < s.rows; ++c) {
    const double* gc = g + int64_t{c} * kBatchTile;
    for (int32_t j = s.rowPtr[c]; j < s.rowPtr[c + 1]; ++j) {
      const double v = s.values[j];
      double* o = out + int64_t{s.colIdx[j]} * kBatchTile;
      for (int t = 0; t < kBatchTile; ++t) o[t] += v * gc[t];
    }
  }
}

/// dst[t·dstStride + j] = float(tile[j·kBatchTile + t]) for t < rows, j < cols: back to row-major.
inline void unpackTransposed(const double* tile, int rows, int32_t cols, float* dst, int64_t dstStride) {
  for (int t = 0; t < rows; ++t)
    for (int32_t j = 0; j < cols; ++j) dst[t * dstStride + j] = static_cast<float>(tile[int64_t{j} * kBatchTile + t]);
}

}  // namespace fedkern
