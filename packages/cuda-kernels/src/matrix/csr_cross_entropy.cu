// (c) on CUDA: logits (csrProjectKernel) → one block per sample turns its logit row into the loss and
// (softmax − onehot)/B in place → the same projection kernel through Sᵀ gives gradF. Per-sample losses are summed
// on the host in double, in sample order.
#include <vector>

#include "csr_transpose.h"
#include "cuda_common.cuh"
#include "matrix.h"

namespace fedkern {
namespace cuda {
namespace {

__global__ void softmaxXentRowsKernel(float* __restrict__ logits, int32_t batch, int32_t classes, const int32_t* __restrict__ labels,
                                      float invBatch, float* __restrict__ loss) {
  for (int64_t b = blockIdx.x; b < batch; b += gridDim.x) {
    float* z = logits + b * classes;
    float localMax = -INFINITY;
    for (int32_t c = threadIdx.x; c < classes; c += blockDim.x) localMax = fmaxf(localMax, z[c]);
    const float maxZ = blockMax(localMax);
    float localSum = 0.0f;
    for (int32_t c = threadIdx.x; c < classes; c += blockDim.x) localSum += __expf(z[c] - maxZ);
    const float sumExp = blockSum(localSum);
    const int32_t label = labels[b];
    if (threadIdx.x == 0) loss[b] = maxZ + logf(sumExp) - z[label];
    __syncthreads();  // z[label] must be read before it is overwritten below
    for (int32_t c = threadIdx.x; c < classes; c += blockDim.x)
      z[c] = (__expf(z[c] - maxZ) / sumExp - (c == label ? 1.0f : 0.0f)) * invBatch;
    __syncthreads();
  }
}

}  // namespace
}  // namespace cuda

double csrCrossEntropyCuda(const float* f, int32_t batch, const CsrView& s, const float* bias, const int32_t* labels, float* gradF) {
  if (batch <= 0) return 0.0;
  cuda::requireDevice();
  const CsrMatrix st = transposeCsr(s);
  cuda::Scratch& ws = cuda::Scratch::forThisThread();
  ws.begin();
  const cuda::DeviceCsr ds(s, ws);
  const cuda::DeviceCsr dst(st.view(), ws);
  const float* df = ws.upload(f, static_cast<size_t>(batch) * s.cols);
  const float* dbias = bias ? ws.upload(bias, static_cast<size_t>(s.rows)) : nullptr;
  const int32_t* dlabels = ws.upload(labels, static_cast<size_t>(batch));
  float* dlogits = ws.take<float>(static_cast<size_t>(batch) * s.rows);
  float* dloss = ws.take<float>(static_cast<size_t>(batch));
  float* dgrad = ws.take<float>(static_cast<size_t>(batch) * s.cols);

  cuda::launchCsrProject(df, batch, ds, dbias, dlogits, ws.stream());
  cuda::softmaxXentRowsKernel<<<cuda::gridFor(batch, 1), cuda::kBlock, 0, ws.stream()>>>(dlogits, batch, s.rows, dlabels, 1.0f / batch,
                                                                                         dloss);
  cuda::checkLaunch("softmaxXentRowsKernel");
  cuda::launchCsrProject(dlogits, batch, dst, nullptr, dgrad, ws.stream());
  ws.download(dgrad, gradF, static_cast<size_t>(batch) * s.cols);
  std::vector<float> perSample(static_cast<size_t>(batch));
  ws.download(dloss, perSample.data(), perSample.size());
  ws.finish("csrCrossEntropyCuda");
  double total = 0.0;
  for (float l : perSample) total += l;
  return total / batch;
}

}  // namespace fedkern
