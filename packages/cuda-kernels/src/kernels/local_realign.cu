// (e) on CUDA: one block per (client, class) row reduces the local row norm and writes the scaled global row.
#include "cuda_common.cuh"
#include "kernels.h"

namespace fedkern {
namespace cuda {
namespace {

__global__ void localRealignKernel(const float* __restrict__ g, int32_t classes, int32_t dim, const float* __restrict__ locals,
                                   int64_t rows, const uint8_t* __restrict__ masked, float* __restrict__ out) {
  for (int64_t kc = blockIdx.x; kc < rows; kc += gridDim.x) {
    float* dst = out + kc * dim;
    if (masked && masked[kc]) {  // uniform per block, so no thread skips a blockSum below
      for (int32_t j = threadIdx.x; j < dim; j += blockDim.x) dst[j] = kMaskedRowValue;
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

void localRealignCuda(const float* g, int32_t classes, int32_t dim, const float* locals, int32_t clients, const uint8_t* masked,
                      float* out) {
  cuda::requireDevice();
  const int64_t rows = int64_t{clients} * classes;
  if (rows == 0 || dim == 0) return;
  cuda::DeviceBuffer<float> dg(g, static_cast<size_t>(classes) * dim);
  cuda::DeviceBuffer<float> dl(locals, static_cast<size_t>(rows) * dim);
  cuda::DeviceBuffer<uint8_t> dmask(masked, masked ? static_cast<size_t>(rows) : 0);
  cuda::DeviceBuffer<float> dout(static_cast<size_t>(rows) * dim);
  cuda::localRealignKernel<<<cuda::gridFor(rows, 1), cuda::kBlock>>>(dg.get(), classes, dim, dl.get(), rows, masked ? dmask.get() : nullptr,
                                                                     dout.get());
  cuda::finishLaunch("localRealignKernel");
  dout.download(out);
}

}  // namespace fedkern
