// (d) Row renormalisation on the CPU. See matrix.h for the contract.
#include <cmath>

#include "matrix.h"
#include "parallel.h"
#include "vector_math.h"

namespace fedkern {

void renormRowsCpu(const float* w, int32_t rows, int32_t cols, float scale, float* out) {
  parallelFor(rows, 2 * int64_t{cols}, [&](int64_t first, int64_t last) {
    for (int64_t r = first; r < last; ++r) {
      const float* src = w + r * cols;
      float* dst = out + r * cols;
      const double norm = std::sqrt(sumSquares(src, cols));
      // A zero row has no direction to keep; it stays zero instead of becoming 0/0 = NaN.
      const float factor = norm > 0.0 ? static_cast<float>(scale / norm) : 0.0f;
      scaleInto(src, cols, factor, dst);
    }
  });
}

}  // namespace fedkern
