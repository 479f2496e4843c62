// A tiny fork-join helper for the CPU kernels: split [0, count) into contiguous chunks, one std::thread each.
// Threads are spawned per call (tens of microseconds), so the helper stays single-threaded unless the work is big
// enough to amortise that; FL-sized heads are often below the threshold.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <thread>
#include <vector>

namespace fedkern {

/// Worker threads to use at most: $FEDKERN_THREADS when set to a positive integer, else hardware_concurrency().
inline int maxThreads() {
  static const int n = []() -> int {
    if (const char* env = std::getenv("FEDKERN_THREADS")) {
      const int v = std::atoi(env);
      if (v > 0) return v;
    }
    return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  }();
  return n;
}

/// Below this many scalar operations a call runs on the calling thread only (thread start-up would dominate).
constexpr int64_t kMinWorkPerThread = int64_t{1} << 17;

/// Calls body(begin, end) over disjoint chunks covering [0, count); workPerItem estimates the cost of one item.
template <typename Body>
void parallelFor(int64_t count, int64_t workPerItem, Body&& body) {
  if (count <= 0) return;
  const int64_t total = count * std::max<int64_t>(1, workPerItem);
  const int64_t byWork = std::max<int64_t>(1, total / kMinWorkPerThread);
  const int threads = static_cast<int>(std::min<int64_t>({int64_t{maxThreads()}, byWork, count}));
  if (threads <= 1) {
    body(int64_t{0}, count);
    return;
  }
  std::vector<std::thread> pool;
  pool.reserve(threads - 1);
  const int64_t chunk = (count + threads - 1) / threads;
  for (int t = 1; t < threads; ++t) {
    const int64_t begin = t * chunk, end = std::min(count, begin + chunk);
    if (begin < end) pool.emplace_back([&body, begin, end] { body(begin, end); });
  }
  body(int64_t{0}, std::min(count, chunk));
  for (auto& th : pool) th.join();
}

}  // namespace fedkern
