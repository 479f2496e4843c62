// Elementwise, one pass per tensor. Compiled with -ffp-contract=off (CMakeLists.txt): a contracted a·b + c rounds
// once instead of twice and would no longer match the stock ops bit for bit.
#include "sgd.h"

#ifdef _OPENMP
#include <omp.h>
#endif

namespace fedkern::native {
namespace {
/// Below this many elements a tensor is updated on the calling thread.
constexpr int64_t kParallelElements = int64_t{1} << 16;
}  // namespace

void sgdMomentumUpdate(const float* w, const float* g, const float* v, int64_t n, float lr, float momentum, float weightDecay, float* wOut,
                       float* vOut) {
  const bool decay = weightDecay != 0.0f;
  const bool useMomentum = momentum != 0.0f;
#pragma omp parallel for schedule(static) if (n >= kParallelElements)
  for (int64_t i = 0; i < n; ++i) {
    const float d = decay ? g[i] + w[i] * weightDecay : g[i];
    if (useMomentum) {
      const float next = v != nullptr ? v[i] * momentum + d : d;
      vOut[i] = next;
      wOut[i] = w[i] - next * lr;
    } else {
      wOut[i] = w[i] - d * lr;
    }
  }
}

}  // namespace fedkern::native
