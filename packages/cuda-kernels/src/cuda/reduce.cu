// Row reductions [outer × inner] → [outer] (sum, mean, max, min, prod): a warp per row when rows are short, a block
// per row otherwise. The TypeScript side transposes the reduced axes innermost first, as tfjs-cpu does.
#include <cuda_runtime.h>

#include <cfloat>

#include "device.h"
#include "launch.cuh"

namespace fedkern::gpu {
namespace {

__device__ __forceinline__ float identity(ReduceOp op) {
  switch (op) {
    case ReduceOp::kMax: return -INFINITY;
    case ReduceOp::kMin: return INFINITY;
    case ReduceOp::kProd: return 1.0f;
    default: return 0.0f;
  }
}

__device__ __forceinline__ float combine(ReduceOp op, float a, float b) {
  switch (op) {
    case ReduceOp::kMax: return (isnan(a) || isnan(b)) ? nanf("") : fmaxf(a, b);
    case ReduceOp::kMin: return (isnan(a) || isnan(b)) ? nanf("") : fminf(a, b);
    case ReduceOp::kProd: return a * b;
    default: return a + b;
  }
}

__device__ __forceinline__ float warpCombine(ReduceOp op, float v) {
  for (int offset = 16; offset > 0; offset /= 2) v = combine(op, v, __shfl_down_sync(0xffffffffu, v, offset));
  return v;
}

__device__ __forceinline__ float finish(ReduceOp op, float v, int64_t inner) {
  return op == ReduceOp::kMean ? v / static_cast<float>(inner) : v;
}

/// 8 warps per block, one row per warp.
__global__ void reduceWarpRowsKernel(ReduceOp op, const float* __restrict__ x, float* __restrict__ y, int64_t outer, int64_t inner) {
  const int lane = threadIdx.x % 32;
  for (int64_t row = (int64_t{blockIdx.x} * blockDim.x + threadIdx.x) / 32; row < outer; row += int64_t{gridDim.x} * blockDim.x / 32) {
    float v = identity(op);
    for (int64_t j = lane; j < inner; j += 32) v = combine(op, v, x[row * inner + j]);
    v = warpCombine(op, v);
    if (lane == 0) y[row] = finish(op, v, inner);
  }
}

/// One block of 256 per row.
__global__ void reduceBlockRowsKernel(ReduceOp op, const float* __restrict__ x, float* __restrict__ y, int64_t outer, int64_t inner) {
  __shared__ float partial[8];
  for (int64_t row = blockIdx.x; row < outer; row += gridDim.x) {
    float v = identity(op);
    for (int64_t j = threadIdx.x; j < inner; j += blockDim.x) v = combine(op, v, x[row * inner + j]);
    v = warpCombine(op, v);
    if (threadIdx.x % 32 == 0) partial[threadIdx.x / 32] = v;
    __syncthreads();
    if (threadIdx.x < 32) {
      float w = threadIdx.x < blockDim.x / 32 ? partial[threadIdx.x] : identity(op);
      w = warpCombine(op, w);
      if (threadIdx.x == 0) y[row] = finish(op, w, inner);
    }
    __syncthreads();
  }
}

}  // namespace

void launchReduce(ReduceOp op, const float* x, float* y, int64_t outer, int64_t inner) {
  if (outer == 0) return;
  if (inner <= 1024) {
    reduceWarpRowsKernel<<<blocksFor(outer * 32), kThreads, 0, stream()>>>(op, x, y, outer, inner);
  } else {
    const unsigned blocks = static_cast<unsigned>(outer < 65535 * 8 ? outer : 65535 * 8);
    reduceBlockRowsKernel<<<blocks, kThreads, 0, stream()>>>(op, x, y, outer, inner);
  }
  checkLaunch("reduce");
}

}  // namespace fedkern::gpu
