// Implicit-GEMM 2-D convolution (NHWC input, HWIO filter): the GEMM kernels read the input patches through the index
// maps of geometry.h, so no im2col matrix is materialised. Forward, backward-data and backward-filter are the three
// GEMMs described there; zero-padding and skipped (strided) taps read as 0.
#include "device.h"
#include "gemm_tiles.cuh"

namespace fedkern::gpu {

int32_t multiprocessors();
bool useTf32();

namespace {

struct ForwardPatches {  // A[m,k] of the forward GEMM
  ConvGeometry g;
  const float* x;
  __device__ __forceinline__ float operator()(int64_t, int64_t m, int64_t k) const {
    const int64_t i = convForwardInputIndex(g, m, k);
    return i < 0 ? 0.0f : __ldg(x + i);
  }
};

struct DenseRows {  // a dense row-major [rows × cols] matrix
  const float* p;
  int64_t cols;
  __device__ __forceinline__ float operator()(int64_t, int64_t i, int64_t j) const { return __ldg(p + i * cols + j); }
};

struct BackwardDataPatches {  // A[m,k] of the backward-data GEMM: dy taps of input pixel m
  ConvGeometry g;
  const float* dy;
  __device__ __forceinline__ float operator()(int64_t, int64_t m, int64_t k) const {
    const int64_t i = convBackwardDataDyIndex(g, m, k);
    return i < 0 ? 0.0f : __ldg(dy + i);
  }
};

struct BackwardDataFilter {  // B[k,n] of the backward-data GEMM
  ConvGeometry g;
  const float* w;
  __device__ __forceinline__ float operator()(int64_t, int64_t k, int64_t n) const {
    return __ldg(w + convBackwardDataFilterIndex(g, k, n));
  }
};

struct BackwardFilterPatches {  // A[m,k] of the backward-filter GEMM
  ConvGeometry g;
  const float* x;
  __device__ __forceinline__ float operator()(int64_t, int64_t m, int64_t k) const {
    const int64_t i = convBackwardFilterInputIndex(g, m, k);
    return i < 0 ? 0.0f : __ldg(x + i);
  }
};

}  // namespace

void launchConvForward(const ConvGeometry& g, const float* x, const float* w, float* y) {
  const GemmShape s = convForwardGemm(g);
  runGemm(ForwardPatches{g, x}, DenseRows{w, g.outC}, y, s.n, 0, s.m, s.n, s.k, 1, useTf32(), multiprocessors(), "convForward");
}

void launchConvBackwardData(const ConvGeometry& g, const float* dy, const float* w, float* dx) {
  const GemmShape s = convBackwardDataGemm(g);
  runGemm(BackwardDataPatches{g, dy}, BackwardDataFilter{g, w}, dx, s.n, 0, s.m, s.n, s.k, 1, useTf32(), multiprocessors(),
          "convBackwardData");
}

void launchConvBackwardFilter(const ConvGeometry& g, const float* x, const float* dy, float* dw) {
  const GemmShape s = convBackwardFilterGemm(g);
  runGemm(BackwardFilterPatches{g, x}, DenseRows{dy, g.outC}, dw, s.n, 0, s.m, s.n, s.k, 1, useTf32(), multiprocessors(),
          "convBackwardFilter");
}

}  // namespace fedkern::gpu
