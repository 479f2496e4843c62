// Max pooling (NHWC) forward and backward. The backward pass recomputes each window's argmax from x (the first
// maximum in window order, as tfjs-cpu) and adds dy there; overlapping windows make that an atomicAdd.
#include <cuda_runtime.h>

#include "device.h"
#include "launch.cuh"

namespace fedkern::gpu {
namespace {

struct Load {
  const float* x;
  __device__ __forceinline__ float operator()(int64_t i) const { return __ldg(x + i); }
};

__global__ void maxPoolKernel(PoolGeometry g, const float* __restrict__ x, float* __restrict__ y, int64_t n) {
  for (int64_t o = blockIdx.x * int64_t{blockDim.x} + threadIdx.x; o < n; o += int64_t{gridDim.x} * blockDim.x) {
    const int64_t best = maxPoolArgmax(g, o, Load{x});
    y[o] = best < 0 ? -INFINITY : x[best];
  }
}

__global__ void maxPoolGradKernel(PoolGeometry g, const float* __restrict__ x, const float* __restrict__ dy, float* __restrict__ dx,
                                  int64_t n) {
  for (int64_t o = blockIdx.x * int64_t{blockDim.x} + threadIdx.x; o < n; o += int64_t{gridDim.x} * blockDim.x) {
    const int64_t best = maxPoolArgmax(g, o, Load{x});
    if (best >= 0) atomicAdd(dx + best, dy[o]);
  }
}

int64_t outputs(const PoolGeometry& g) { return int64_t{g.batch} * g.outH * g.outW * g.channels; }

}  // namespace

void launchMaxPool(const PoolGeometry& g, const float* x, float* y) {
  const int64_t n = outputs(g);
  if (n == 0) return;
  maxPoolKernel<<<blocksFor(n), kThreads, 0, stream()>>>(g, x, y, n);
  checkLaunch("maxPool");
}

void launchMaxPoolGrad(const PoolGeometry& g, const float* x, const float* dy, float* dx) {
  const int64_t inputs = int64_t{g.batch} * g.inH * g.inW * g.channels;
  cuda::check(cudaMemsetAsync(dx, 0, inputs * sizeof(float), stream()), "cudaMemsetAsync");
  const int64_t n = outputs(g);
  if (n == 0) return;
  maxPoolGradKernel<<<blocksFor(n), kThreads, 0, stream()>>>(g, x, dy, dx, n);
  checkLaunch("maxPoolGrad");
}

}  // namespace fedkern::gpu
