// (e) Batched local realignment on the CPU (GLA-FR local): global directions, per-client row norms.
// See kernels.h for the contract.
#include <cmath>

#include "kernels.h"
#include "parallel.h"
#include "vector_math.h"

namespace fedkern {

void localRealignCpu(const float* g, int32_t classes, int32_t dim, const float* locals, int32_t clients, const uint8_t* masked,
                     float* out) {
  const int64_t rows = int64_t{clients} * classes;
  parallelFor(rows, 2 * int64_t{dim}, [&](int64_t first, int64_t last) {
    for (int64_t kc = first; kc < last; ++kc) {
      float* dst = out + kc * dim;
      if (masked && masked[kc]) {
        fill(dst, dim, kMaskedRowValue);
        continue;
      }
      const float localNorm = static_cast<float>(std::sqrt(sumSquares(locals + kc * dim, dim)));
      scaleInto(g + (kc % classes) * dim, dim, localNorm, dst);
    }
  });
}

}  // namespace fedkern
