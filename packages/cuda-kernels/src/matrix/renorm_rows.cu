// (d) on CUDA: one block per row reduces ‖w_r‖² and rescales the row.
#include "cuda_common.cuh"
#include "matrix.h"

namespace fedkern {
namespace cuda {
namespace {

__global__ void renormRowsKernel(const float* __restrict__ w, int32_t rows, int32_t cols, float scale, float* __restrict__ out) {
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const float* src = w + r * cols;
    float local = 0.0f;
    for (int32_t j = threadIdx.x; j < cols; j += blockDim.x) local += src[j] * src[j];
    const float norm = sqrtf(blockSum(local));
    const float factor = norm > 0.0f ? scale / norm : 0.0f;  // zero rows stay zero
    for (int32_t j = threadIdx.x; j < cols; j += blockDim.x) out[r * cols + j] = src[j] * factor;
  }
}

}  // namespace
}  // namespace cuda

void renormRowsCuda(const float* w, int32_t rows, int32_t cols, float scale, float* out) {
  cuda::requireDevice();
  const size_t n = static_cast<size_t>(rows) * cols;
  if (n == 0) return;
  cuda::Scratch& ws = cuda::Scratch::forThisThread();
  ws.begin();
  const float* dw = ws.upload(w, n);
  float* dout = ws.take<float>(n);
  cuda::renormRowsKernel<<<cuda::gridFor(rows, 1), cuda::kBlock, 0, ws.stream()>>>(dw, rows, cols, scale, dout);
  cuda::checkLaunch("renormRowsKernel");
  ws.download(dout, out, n);  // out may alias w: the upload above has been queued first
  ws.finish("renormRowsCuda");
}

}  // namespace fedkern
