// Small dense helpers shared by the CPU kernels, written so that GCC/Clang vectorise them at -O3 without
// -ffast-math: eight independent float lanes instead of one serial reduction.
#pragma once

#include <cstdint>

namespace fedkern {

/// Σ x[i]² over n floats, as eight float lanes combined in double (relative error ~1e-7 for any n we use).
inline double sumSquares(const float* x, int64_t n) {
  float lanes[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int l = 0; l < 8; ++l) lanes[l] += x[i + l] * x[i + l];
  double total = 0;
  for (int l = 0; l < 8; ++l) total += lanes[l];
  for (; i < n; ++i) total += static_cast<double>(x[i]) * x[i];
  return total;
}

/// out[i] = x[i] · factor.
inline void scaleInto(const float* x, int64_t n, float factor, float* out) {
  for (int64_t i = 0; i < n; ++i) out[i] = x[i] * factor;
}

/// out[i] = value.
inline void fill(float* out, int64_t n, float value) {
  for (int64_t i = 0; i < n; ++i) out[i] = value;
}

}  // namespace fedkern
