// CSR transpose (counting sort by column), used by the CUDA backward passes: with Sᵀ in CSR form the feature
// gradient gradF[b,k] = Σ_c g[b,c]·S[c,k] becomes a gather per output element (one warp each), which is
// deterministic, instead of a scatter that would need atomics.
#pragma once

#include <cstdint>
#include <vector>

#include "matrix.h"

namespace fedkern {

/// Owning CSR storage with a view onto itself.
struct CsrMatrix {
  int32_t rows = 0, cols = 0;
  std::vector<int32_t> rowPtr, colIdx;
  std::vector<float> values;
  CsrView view() const { return CsrView{rows, cols, rowPtr.data(), colIdx.data(), values.data()}; }
};

/// Sᵀ of a CSR matrix, as CSR (columns become rows). Within each output row the entries keep ascending order.
inline CsrMatrix transposeCsr(const CsrView& s) {
  CsrMatrix t;
  t.rows = s.cols;
  t.cols = s.rows;
  const int32_t nnz = s.nnz();
  t.rowPtr.assign(static_cast<size_t>(s.cols) + 1, 0);
  t.colIdx.resize(nnz);
  t.values.resize(nnz);
  for (int32_t j = 0; j < nnz; ++j) ++t.rowPtr[s.colIdx[j] + 1];
  for (int32_t k = 0; k < s.cols; ++k) t.rowPtr[k + 1] += t.rowPtr[k];
  std::vector<int32_t> next(t.rowPtr.begin(), t.rowPtr.end() - 1);
  for (int32_t c = 0; c < s.rows; ++c) {
    for (int32_t j = s.rowPtr[c]; j < s.rowPtr[c + 1]; ++j) {
      const int32_t dst = next[s.colIdx[j]]++;
      t.colIdx[dst] = c;
      t.values[dst] = s.values[j];
    }
  }
  return t;
}

}  // namespace fedkern
