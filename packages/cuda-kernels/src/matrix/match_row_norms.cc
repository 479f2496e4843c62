// (e) Row-norm matching on the CPU: directions from g, row norms from each block of locals.
// See matrix.h for the contract.
#include <cmath>

#include "matrix.h"
#include "parallel.h"
#include "vector_math.h"

namespace fedkern {

void matchRowNormsCpu(const float* g, int32_t classes, int32_t dim, const float* locals, int32_t clients, const uint8_t* masked,
                      float maskedValue, float* out) {
  const int64_t rows = int64_t{clients} * classes;
  parallelFor(rows, 2 * int64_t{dim}, [&](int64_t first, int64_t last) {
    for (int64_t kc = first; kc < last; ++kc) {
      float* dst = out + kc * dim;
      if (masked && masked[kc]) {
        fill(dst, dim, maskedValue);
        continue;
      }
      const float localNorm = static_cast<float>(std::sqrt(sumSquares(locals + kc * dim, dim)));
      scaleInto(g + (kc % classes) * dim, dim, localNorm, dst);
    }
  });
}

}  // namespace fedkern
