// Batched matrix product of the native backend on oneDNN's matmul: c[b] = op(a[b]) · op(b[b]), row-major, with
// transposes read through strides (no copies) and a batch of 1 on either side broadcast.
#pragma once

#include <cstdint>
#include <string>

namespace fedkern::native {

struct MatMulGeometry {
  int32_t batchA, batchB;       ///< equal, or one of them 1 (broadcast)
  int32_t m, k, n;              ///< op(a) is m×k, op(b) is k×n, c is m×n per batch
  bool transposeA, transposeB;  ///< a stored k×m, b stored n×k

  int32_t batch() const { return batchA > batchB ? batchA : batchB; }
  int64_t sizeA() const { return int64_t{batchA} * m * k; }
  int64_t sizeB() const { return int64_t{batchB} * k * n; }
  int64_t sizeC() const { return int64_t{batch()} * m * n; }
};

/// Empty when `g` is valid (sizes ≥ 1, batches equal or one of them 1), else what is wrong.
std::string matMulGeometryError(const MatMulGeometry& g);

/// c[batch, m, n] = op(a) · op(b). Every element of c is written.
void batchMatMul(const MatMulGeometry& g, const float* a, const float* b, float* c);

}  // namespace fedkern::native
