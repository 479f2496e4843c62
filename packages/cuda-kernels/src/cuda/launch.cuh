// Launch helpers of the `cuda` backend's kernels: the one stream, grid sizes, and the asynchronous launch check
// (errors inside a kernel surface at the next synchronising call: a download or synchronize()).
#pragma once

#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>

#include "../matrix/cuda_common.cuh"

namespace fedkern::gpu {

/// The stream every launch and copy of the backend uses (device.cu).
cudaStream_t stream();

constexpr int kThreads = 256;

/// Blocks for a grid-stride loop over n items: enough to fill the device, never more than the items need.
inline unsigned blocksFor(int64_t n, int threads = kThreads) {
  const int64_t blocks = (n + threads - 1) / threads;
  return static_cast<unsigned>(std::clamp<int64_t>(blocks, 1, 65535 * 8));
}

/// Throws "<kernel>: <cudaError>" when the launch itself failed (bad configuration, no kernel image).
inline void checkLaunch(const char* kernel) { cuda::check(cudaGetLastError(), kernel); }

}  // namespace fedkern::gpu
