// (c) Fused softmax cross-entropy through the sparse row projection on the CPU: per batch tile, one pass computes
// the logits, the stable log-sum-exp, the loss and d(loss)/d(logits), and projects that straight back through S,
// so the [B, C] logits never exist as a separate output. See kernels.h for the contract.
#include <algorithm>
#include <cmath>
#include <vector>

#include "csr_tiles.h"
#include "matrix.h"
#include "parallel.h"

namespace fedkern {

double csrCrossEntropyCpu(const float* f, int32_t batch, const CsrView& s, const float* bias, const int32_t* labels, float* gradF) {
  if (batch <= 0) return 0.0;
  const int64_t tiles = (int64_t{batch} + kBatchTile - 1) / kBatchTile;
  const int64_t workPerTile = 2 * int64_t{kBatchTile} * std::max(1, s.nnz());
  const double invBatch = 1.0 / batch;
  // One partial loss per tile, summed in tile order afterwards: the result does not depend on the thread count.
  std::vector<double> tileLoss(static_cast<size_t>(tiles), 0.0);

  parallelFor(tiles, workPerTile, [&](int64_t first, int64_t last) {
    std::vector<double> in(static_cast<size_t>(kBatchTile) * s.cols);
    std::vector<double> z(static_cast<size_t>(kBatchTile) * s.rows);  // logits, then d loss / d logits
    std::vector<double> acc(static_cast<size_t>(kBatchTile) * s.cols);
    for (int64_t tileIdx = first; tileIdx < last; ++tileIdx) {
      const int64_t b0 = tileIdx * kBatchTile;
      const int rows = static_cast<int>(std::min<int64_t>(kBatchTile, batch - b0));
      packTransposed(f + b0 * s.cols, s.cols, rows, s.cols, in.data());
      projectTile(in.data(), s, z.data());
      double loss = 0.0;
      // Lanes t ≥ rows hold zeros and keep zero gradients, so they add nothing to gradF (and are not unpacked).
      for (int t = 0; t < rows; ++t) {
        auto at = [&](int32_t c) -> double& { return z[int64_t{c} * kBatchTile + t]; };
        double maxZ = -INFINITY;
        for (int32_t c = 0; c < s.rows; ++c) {
          at(c) += bias ? bias[c] : 0.0f;
          maxZ = std::max(maxZ, at(c));
        }
        double sumExp = 0.0;
        for (int32_t c = 0; c < s.rows; ++c) sumExp += std::exp(at(c) - maxZ);
        const int32_t label = labels[b0 + t];
        loss += (maxZ + std::log(sumExp)) - at(label);
        // (softmax − onehot) / B
        for (int32_t c = 0; c < s.rows; ++c) at(c) = std::exp(at(c) - maxZ) / sumExp * invBatch;
        at(label) -= invBatch;
      }
      for (int t = rows; t < kBatchTile; ++t)
        for (int32_t c = 0; c < s.rows; ++c) z[int64_t{c} * kBatchTile + t] = 0.0;
      tileLoss[tileIdx] = loss;
      std::fill(acc.begin(), acc.end(), 0.0);
      backProjectTile(z.data(), s, acc.data());
      unpackTransposed(acc.data(), rows, s.cols, gradF + b0 * s.cols, s.cols);
    }
  });

  double total = 0.0;
  for (double l : tileLoss) total += l;
  return total * invBatch;
}

}  // namespace fedkern
