// (a) and (b): sparse row projection forward and its feature gradient on the CPU. See matrix.h for the contracts.
#include <algorithm>
#include <vector>

#include "csr_tiles.h"
#include "matrix.h"
#include "parallel.h"

namespace fedkern {

void csrProjectForwardCpu(const float* f, int32_t batch, const CsrView& s, const float* bias, float* logits) {
  const int64_t tiles = (int64_t{batch} + kBatchTile - 1) / kBatchTile;
  const int64_t workPerTile = int64_t{kBatchTile} * std::max(1, s.nnz());
  parallelFor(tiles, workPerTile, [&](int64_t first, int64_t last) {
    std::vector<double> in(static_cast<size_t>(kBatchTile) * s.cols);
    std::vector<double> acc(static_cast<size_t>(kBatchTile) * s.rows);
    for (int64_t tileIdx = first; tileIdx < last; ++tileIdx) {
      const int64_t b0 = tileIdx * kBatchTile;
      const int rows = static_cast<int>(std::min<int64_t>(kBatchTile, batch - b0));
      packTransposed(f + b0 * s.cols, s.cols, rows, s.cols, in.data());
      projectTile(in.data(), s, acc.data());
      if (bias)
        for (int32_t c = 0; c < s.rows; ++c)
          for (int t = 0; t < kBatchTile; ++t) acc[int64_t{c} * kBatchTile + t] += bias[c];
      unpackTransposed(acc.data(), rows, s.rows, logits + b0 * s.rows, s.rows);
    }
  });
}

void csrProjectBackwardCpu(const float* gradLogits, int32_t batch, const CsrView& s, float* gradF) {
  const int64_t tiles = (int64_t{batch} + kBatchTile - 1) / kBatchTile;
  const int64_t workPerTile = int64_t{kBatchTile} * std::max(1, s.nnz());
  parallelFor(tiles, workPerTile, [&](int64_t first, int64_t last) {
    std::vector<double> g(static_cast<size_t>(kBatchTile) * s.rows);
    std::vector<double> acc(static_cast<size_t>(kBatchTile) * s.cols);
    for (int64_t tileIdx = first; tileIdx < last; ++tileIdx) {
      const int64_t b0 = tileIdx * kBatchTile;
      const int rows = static_cast<int>(std::min<int64_t>(kBatchTile, batch - b0));
      packTransposed(gradLogits + b0 * s.rows, s.rows, rows, s.rows, g.data());
      std::fill(acc.begin(), acc.end(), 0.0);
      backProjectTile(g.data(), s, acc.data());
      unpackTransposed(acc.data(), rows, s.cols, gradF + b0 * s.cols, s.cols);
    }
  });
}

}  // namespace fedkern
