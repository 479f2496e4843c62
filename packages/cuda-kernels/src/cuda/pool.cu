// Max pooling (NHWC) forward and backward. The backward pass recomputes each window's argmax from x (the first
// maximum in window order, as tfjs-cpu) and adds dy there; overlapping windows make that an atomicAdd, or, in
// deterministic mode, a gather per input element in fixed window order.
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

/// Deterministic gradient: one thread per input element gathers dy from every window whose argmax it is, in a fixed
/// window order (no atomics, so the sum of overlapping windows rounds the same on every run).
__global__ void maxPoolGradGatherKernel(PoolGeometry g, const float* __restrict__ x, const float* __restrict__ dy, float* __restrict__ dx,
                                        int64_t n) {
  for (int64_t i = blockIdx.x * int64_t{blockDim.x} + threadIdx.x; i < n; i += int64_t{gridDim.x} * blockDim.x) {
    const int32_t c = static_cast<int32_t>(i % g.channels);
    int64_t rest = i / g.channels;
    const int32_t iw = static_cast<int32_t>(rest % g.inW);
    rest /= g.inW;
    const int32_t ih = static_cast<int32_t>(rest % g.inH);
    const int64_t b = rest / g.inH;
    float sum = 0.0f;
    for (int32_t kh = 0; kh < g.filterH; ++kh) {
      const int32_t th = ih + g.padTop - kh * g.dilationH;  // = oh·strideH for a window oh that has (ih, iw) at tap kh
      if (th < 0 || th % g.strideH != 0 || th / g.strideH >= g.outH) continue;
      for (int32_t kw = 0; kw < g.filterW; ++kw) {
        const int32_t tw = iw + g.padLeft - kw * g.dilationW;
        if (tw < 0 || tw % g.strideW != 0 || tw / g.strideW >= g.outW) continue;
        const int64_t o = ((b * g.outH + th / g.strideH) * g.outW + tw / g.strideW) * g.channels + c;
        if (maxPoolArgmax(g, o, Load{x}) == i) sum += dy[o];
      }
    }
    dx[i] = sum;
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
  if (deterministicEnabled()) {
    if (inputs == 0) return;
    maxPoolGradGatherKernel<<<blocksFor(inputs), kThreads, 0, stream()>>>(g, x, dy, dx, inputs);
    checkLaunch("maxPoolGradGather");
    return;
  }
  cuda::check(cudaMemsetAsync(dx, 0, inputs * sizeof(float), stream()), "cudaMemsetAsync");
  const int64_t n = outputs(g);
  if (n == 0) return;
  maxPoolGradKernel<<<blocksFor(n), kThreads, 0, stream()>>>(g, x, dy, dx, n);
  checkLaunch("maxPoolGrad");
}

}  // namespace fedkern::gpu
