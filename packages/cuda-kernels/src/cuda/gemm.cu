// BatchMatMul on the GPU: strided views of A and B (transposes are strides, a broadcast batch has stride 0) fed to
// the tiled GEMM kernels of gemm_tiles.cuh.
#include "device.h"
#include "gemm_tiles.cuh"

namespace fedkern::gpu {
namespace {

/// Element (i, j) of matrix `batch` at p[batch·batchStride + i·rowStride + j·colStride].
struct StridedMatrix {
  const float* p;
  int64_t batchStride, rowStride, colStride;
  __device__ __forceinline__ float operator()(int64_t batch, int64_t i, int64_t j) const {
    return __ldg(p + batch * batchStride + i * rowStride + j * colStride);
  }
};

}  // namespace

/// Streaming multiprocessors of device 0 (for split-K), asked once.
int32_t multiprocessors() {
  static const int32_t sms = [] {
    int value = 0;
    cudaDeviceGetAttribute(&value, cudaDevAttrMultiProcessorCount, 0);
    return value > 0 ? value : 1;
  }();
  return sms;
}

/// TF32 kernels run only on sm_80+ devices and when enabled.
bool useTf32() { return tf32Enabled() && deviceStatus().computeMajor >= 8; }

void launchBatchMatMul(const float* a, const float* b, float* c, int64_t batch, int64_t m, int64_t n, int64_t k, bool transposeA,
                       bool transposeB, int64_t aBatchStride, int64_t bBatchStride) {
  // A is stored [M×K] (or [K×M] when transposed): A(i, k) = a[i·K + k] or a[k·M + i].
  const StridedMatrix av{a, aBatchStride, transposeA ? 1 : k, transposeA ? m : 1};
  const StridedMatrix bv{b, bBatchStride, transposeB ? 1 : n, transposeB ? k : 1};
  runGemm(av, bv, c, n, m * n, m, n, k, batch, useTf32(), multiprocessors(), "batchMatMul");
}

}  // namespace fedkern::gpu
