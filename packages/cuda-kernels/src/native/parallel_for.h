// OpenMP loops for the native backend's memory-bound kernels: parallel only when the work is large enough to pay
// for waking the team (and always serial when the calling thread asked for one thread via setNumThreads).
#pragma once

#include <algorithm>
#include <cstdint>

namespace fedkern::native {

/// Elements per parallel task; below two tasks of work a loop stays on the calling thread.
constexpr int64_t kElementsPerTask = int64_t{1} << 15;

/// Calls body(begin, end) over [0, count) in tasks of about `grain` items, in parallel when there are several.
template <typename Body>
void parallelChunks(int64_t count, int64_t grain, Body&& body) {
  if (count <= 0) return;
  grain = std::max<int64_t>(1, grain);
  const int64_t tasks = (count + grain - 1) / grain;
  if (tasks <= 1) {
    body(int64_t{0}, count);
    return;
  }
#pragma omp parallel for schedule(static)
  for (int64_t t = 0; t < tasks; ++t) body(t * grain, std::min(count, (t + 1) * grain));
}

}  // namespace fedkern::native
