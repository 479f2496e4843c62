// (a) and (b) on CUDA. Forward: one warp per logit (b, c) walks row c of S. Backward: S is transposed on the host
// (csr_transpose.h) so every gradF element is a deterministic gather, computed by the same kernel.
#include "csr_transpose.h"
#include "cuda_common.cuh"
#include "matrix.h"

namespace fedkern {
namespace cuda {
namespace {

__global__ void csrProjectKernel(const float* __restrict__ x, int32_t batch, int32_t rows, int32_t cols, const int32_t* __restrict__ rowPtr,
                                 const int32_t* __restrict__ colIdx, const float* __restrict__ values, const float* __restrict__ bias,
                                 float* __restrict__ out) {
  const int lane = threadIdx.x % kWarp;
  const int64_t warpsTotal = int64_t{gridDim.x} * (blockDim.x / kWarp);
  const int64_t outputs = int64_t{batch} * rows;
  for (int64_t o = int64_t{blockIdx.x} * (blockDim.x / kWarp) + threadIdx.x / kWarp; o < outputs; o += warpsTotal) {
    const int64_t b = o / rows;
    const int32_t r = static_cast<int32_t>(o % rows);
    const float* xb = x + b * cols;
    float acc = 0.0f;
    for (int32_t j = rowPtr[r] + lane; j < rowPtr[r + 1]; j += kWarp) acc += values[j] * __ldg(xb + colIdx[j]);
    acc = warpSum(acc);
    if (lane == 0) out[o] = acc + (bias ? bias[r] : 0.0f);
  }
}

}  // namespace

void launchCsrProject(const float* x, int32_t batch, const DeviceCsr& a, const float* bias, float* out, cudaStream_t stream) {
  const int64_t outputs = int64_t{batch} * a.rows;
  if (outputs == 0) return;
  csrProjectKernel<<<gridFor(outputs, kBlock / kWarp), kBlock, 0, stream>>>(x, batch, a.rows, a.cols, a.rowPtr, a.colIdx, a.values, bias,
                                                                            out);
  checkLaunch("csrProjectKernel");
}

}  // namespace cuda

void csrProjectForwardCuda(const float* f, int32_t batch, const CsrView& s, const float* bias, float* logits) {
  cuda::requireDevice();
  cuda::Scratch& ws = cuda::Scratch::forThisThread();
  ws.begin();
  const cuda::DeviceCsr ds(s, ws);
  const float* df = ws.upload(f, static_cast<size_t>(batch) * s.cols);
  const float* dbias = bias ? ws.upload(bias, static_cast<size_t>(s.rows)) : nullptr;
  const size_t outputs = static_cast<size_t>(batch) * s.rows;
  float* dout = ws.take<float>(outputs);
  cuda::launchCsrProject(df, batch, ds, dbias, dout, ws.stream());
  ws.download(dout, logits, outputs);
  ws.finish("csrProjectForwardCuda");
}

void csrProjectBackwardCuda(const float* gradLogits, int32_t batch, const CsrView& s, float* gradF) {
  cuda::requireDevice();
  const CsrMatrix st = transposeCsr(s);
  cuda::Scratch& ws = cuda::Scratch::forThisThread();
  ws.begin();
  const cuda::DeviceCsr dst(st.view(), ws);
  const float* dg = ws.upload(gradLogits, static_cast<size_t>(batch) * s.rows);
  const size_t outputs = static_cast<size_t>(batch) * s.cols;
  float* dout = ws.take<float>(outputs);
  cuda::launchCsrProject(dg, batch, dst, nullptr, dout, ws.stream());
  ws.download(dout, gradF, outputs);
  ws.finish("csrProjectBackwardCuda");
}

}  // namespace fedkern
