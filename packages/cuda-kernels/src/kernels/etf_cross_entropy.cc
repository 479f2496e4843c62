// (c) Fused softmax cross-entropy through the sparse-ETF projection on the CPU: one pass computes the logits of a
// batch tile, the stable log-sum-exp, the loss and d(loss)/d(logits), and projects that straight back through S,
// so the [B, C] logits never exist as a separate output. See kernels.h for the contract.
#include <algorithm>
#include <cmath>
#include <vector>

#include "csr_tiles.h"
#include "kernels.h"
#include "parallel.h"

namespace fedkern {

double etfCrossEntropyCpu(const float* f, int32_t batch, const CsrView& s, const float* bias, const int32_t* labels,
                          float* gradF) {
  if (batch <= 0) return 0.0;
  const int64_t tiles = (int64_t{batch} + kBatchTile - 1) / kBatchTile;
  const int64_t workPerTile = 2 * int64_t{kBatchTile} * std::max(1, s.nnz());
  const double invBatch = 1.0 / batch;
  // One partial loss per tile, summed in tile order afterwards: the result does not depend on the thread count.
  std::vector<double> tileLoss(static_cast<size_t>(tiles), 0.0);

  parallelFor(tiles, workPerTile, [&](int64_t first, int64_t last) {
    std::vector<double> logits(static_cast<size_t>(kBatchTile) * s.rows);
    std::vector<double> acc(static_cast<size_t>(kBatchTile) * s.cols);
    for (int64_t tileIdx = first; tileIdx < last; ++tileIdx) {
      const int64_t b0 = tileIdx * kBatchTile;
      const int tile = static_cast<int>(std::min<int64_t>(kBatchTile, batch - b0));
      projectTile(f + b0 * s.cols, s.cols, tile, s, logits.data());
      double loss = 0.0;
      for (int t = 0; t < tile; ++t) {
        double* z = logits.data() + t * s.rows;
        double maxZ = -INFINITY;
        for (int32_t c = 0; c < s.rows; ++c) {
          z[c] += bias ? bias[c] : 0.0f;
          maxZ = std::max(maxZ, z[c]);
        }
        double sumExp = 0.0;
        for (int32_t c = 0; c < s.rows; ++c) sumExp += std::exp(z[c] - maxZ);
        const int32_t label = labels[b0 + t];
        loss += (maxZ + std::log(sumExp)) - z[label];
        // z becomes d(mean loss)/d(logits) = (softmax − onehot) / B.
        for (int32_t c = 0; c < s.rows; ++c) z[c] = std::exp(z[c] - maxZ) / sumExp * invBatch;
        z[label] -= invBatch;
      }
      tileLoss[tileIdx] = loss;
      std::fill(acc.begin(), acc.end(), 0.0);
      backProjectTile(logits.data(), s.rows, tile, s, acc.data());
      float* out = gradF + b0 * s.cols;
      for (int64_t i = 0; i < int64_t{tile} * s.cols; ++i) out[i] = static_cast<float>(acc[i]);
    }
  });

  double total = 0.0;
  for (double l : tileLoss) total += l;
  return total * invBatch;
}

}  // namespace fedkern
