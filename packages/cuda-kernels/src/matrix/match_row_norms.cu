// (e) on CUDA: one thread block per (block k, row c) reduces the row norm of locals and writes the scaled row of g.
#include "cuda_common.cuh"
#include "matrix.h"

namespace fedkern {
namespace cuda {
namespace {

__global__ void matchRowNormsKernel(const float* __restrict__ g, int32_t classes, int32_t dim, const float* __restrict__ locals,
                                    int64_t rows, const uint8_t* __restrict__ masked, float maskedValue, float* __restrict__ out) {
  for (int64_t kc = blockIdx.x; kc < rows; kc += gridDim.x) {
    float* dst = out + kc * dim;
    if (masked && masked[kc]) {  // uniform per block, so no thread skips a blockSum below
      for (int32_t j = threadIdx.x; j < dim; j += blockDim.x) dst[j] = maskedValue;
      continue;
    }
    const float* l = locals + kc * dim;
    float local = 0.0f;
    for (int32_t j = threadIdx.x; j < dim; j += blockDim.x) local += l[j] * l[j];
    const float norm = sqrtf(blockSum(local));
    const float* gc = g + (kc % classes) * dim;
    for (int32_t j = threadIdx.x; j < dim; j += blockDim.x) dst[j] = gc[j] * norm;
  }
}

}  // namespace
}  // namespace cuda

void matchRowNormsCuda(const float* g, int32_t classes, int32_t dim, const float* locals, int32_t clients, const uint8_t* masked,
                       float maskedValue, float* out) {
  cuda::requireDevice();
  const int64_t rows = int64_t{clients} * classes;
  if (rows == 0 || dim == 0) return;
  cuda::Scratch& ws = cuda::Scratch::forThisThread();
  ws.begin();
  const float* dg = ws.upload(g, static_cast<size_t>(classes) * dim);
  const float* dl = ws.upload(locals, static_cast<size_t>(rows) * dim);
  const uint8_t* dmask = masked ? ws.upload(masked, static_cast<size_t>(rows)) : nullptr;
  const size_t n = static_cast<size_t>(rows) * dim;
  float* dout = ws.take<float>(n);
  cuda::matchRowNormsKernel<<<cuda::gridFor(rows, 1), cuda::kBlock, 0, ws.stream()>>>(dg, classes, dim, dl, rows, dmask, maskedValue, dout);
  cuda::checkLaunch("matchRowNormsKernel");
  ws.download(dout, out, n);
  ws.finish("matchRowNormsCuda");
}

}  // namespace fedkern
