// (a) and (b): sparse-ETF projection forward and its feature gradient on the CPU. See kernels.h for the contracts.
#include <algorithm>
#include <vector>

#include "csr_tiles.h"
#include "kernels.h"
#include "parallel.h"

namespace fedkern {

void etfProjectForwardCpu(const float* f, int32_t batch, const CsrView& s, const float* bias, float* logits) {
  const int64_t tiles = (int64_t{batch} + kBatchTile - 1) / kBatchTile;
  const int64_t workPerTile = int64_t{kBatchTile} * std::max(1, s.nnz());
  parallelFor(tiles, workPerTile, [&](int64_t first, int64_t last) {
    std::vector<double> acc(static_cast<size_t>(kBatchTile) * s.rows);
    for (int64_t tileIdx = first; tileIdx < last; ++tileIdx) {
      const int64_t b0 = tileIdx * kBatchTile;
      const int tile = static_cast<int>(std::min<int64_t>(kBatchTile, batch - b0));
      projectTile(f + b0 * s.cols, s.cols, tile, s, acc.data());
      for (int t = 0; t < tile; ++t) {
        float* row = logits + (b0 + t) * s.rows;
        for (int32_t c = 0; c < s.rows; ++c)
          row[c] = static_cast<float>(acc[t * s.rows + c] + (bias ? bias[c] : 0.0f));
      }
    }
  });
}

void etfProjectBackwardCpu(const float* gradLogits, int32_t batch, const CsrView& s, float* gradF) {
  const int64_t tiles = (int64_t{batch} + kBatchTile - 1) / kBatchTile;
  const int64_t workPerTile = int64_t{kBatchTile} * std::max(1, s.nnz());
  parallelFor(tiles, workPerTile, [&](int64_t first, int64_t last) {
    std::vector<double> acc(static_cast<size_t>(kBatchTile) * s.cols);
    for (int64_t tileIdx = first; tileIdx < last; ++tileIdx) {
      const int64_t b0 = tileIdx * kBatchTile;
      const int tile = static_cast<int>(std::min<int64_t>(kBatchTile, batch - b0));
      std::fill(acc.begin(), acc.end(), 0.0);
      backProjectTile(gradLogits + b0 * s.rows, s.rows, tile, s, acc.data());
      float* out = gradF + b0 * s.cols;
      for (int64_t i = 0; i < int64_t{tile} * s.cols; ++i) out[i] = static_cast<float>(acc[i]);
    }
  });
}

}  // namespace fedkern
