// The tiled GEMM kernels behind BatchMatMul and the implicit-GEMM convolutions: C[b](m, n) = Σ_k A[b](m, k)·B[b](k, n),
// with A, B read through loader functors (a strided matrix, or the convolution index maps of geometry.h, so no
// im2col buffer is ever written) and C written through a storer (plain store, or atomicAdd for split-K).
//
// Two variants with the same contract: FP32 on CUDA cores (64×64 tiles, 4×4 outputs per thread), and TF32 on tensor
// cores via WMMA (m16n16k8, sm_80+; its body is compiled only for those architectures and the host launches it only
// on such devices). gridDim = {⌈N/64⌉, ⌈M/64⌉, batch·splits}: each z-slice covers one batch entry and one K chunk.
#pragma once

#include <cuda_runtime.h>
#include <mma.h>

#include <cstdint>
#include <stdexcept>
#include <string>

#include "device.h"
#include "launch.cuh"

namespace fedkern::gpu {

constexpr int kTileM = 64;
constexpr int kTileN = 64;
constexpr int kTileK = 16;

template <typename A, typename B, typename C>
__global__ void __launch_bounds__(256) gemmFp32Kernel(A a, B b, C c, int64_t m, int64_t n, int64_t k, int32_t splits, int64_t kChunk) {
  __shared__ float as[kTileK][kTileM + 4];
  __shared__ float bs[kTileK][kTileN + 4];
  const int64_t batch = blockIdx.z / splits;
  const int64_t kBegin = (blockIdx.z % splits) * kChunk;
  const int64_t kEnd = kBegin + kChunk < k ? kBegin + kChunk : k;
  const int64_t m0 = int64_t{blockIdx.y} * kTileM;
  const int64_t n0 = int64_t{blockIdx.x} * kTileN;
  const int tid = threadIdx.x;
  const int tx = tid % 16, ty = tid / 16;  // this thread's 4×4 outputs: rows ty·4.., cols tx·4..
  float acc[4][4] = {};
  for (int64_t k0 = kBegin; k0 < kEnd; k0 += kTileK) {
#pragma unroll
    for (int r = 0; r < 4; ++r) {
      const int idx = tid + r * 256;
      const int kk = idx % kTileK, mm = idx / kTileK;  // k fastest: contiguous for row-major A and NHWC patches
      const int64_t gm = m0 + mm, gk = k0 + kk;
      as[kk][mm] = (gm < m && gk < kEnd) ? a(batch, gm, gk) : 0.0f;
    }
#pragma unroll
    for (int r = 0; r < 4; ++r) {
      const int idx = tid + r * 256;
      const int nn = idx % kTileN, kk = idx / kTileN;  // n fastest: contiguous for row-major B
      const int64_t gn = n0 + nn, gk = k0 + kk;
      bs[kk][nn] = (gn < n && gk < kEnd) ? b(batch, gk, gn) : 0.0f;
    }
    __syncthreads();
#pragma unroll
    for (int kk = 0; kk < kTileK; ++kk) {
      float av[4], bv[4];
#pragma unroll
      for (int i = 0; i < 4; ++i) av[i] = as[kk][ty * 4 + i];
#pragma unroll
      for (int j = 0; j < 4; ++j) bv[j] = bs[kk][tx * 4 + j];
#pragma unroll
      for (int i = 0; i < 4; ++i)
#pragma unroll
        for (int j = 0; j < 4; ++j) acc[i][j] = fmaf(av[i], bv[j], acc[i][j]);
    }
    __syncthreads();
  }
#pragma unroll
  for (int i = 0; i < 4; ++i) {
    const int64_t gm = m0 + ty * 4 + i;
#pragma unroll
    for (int j = 0; j < 4; ++j) {
      const int64_t gn = n0 + tx * 4 + j;
      if (gm < m && gn < n) c(batch, gm, gn, acc[i][j]);
    }
  }
}

template <typename A, typename B, typename C>
__global__ void __launch_bounds__(128) gemmTf32Kernel(A a, B b, C c, int64_t m, int64_t n, int64_t k, int32_t splits, int64_t kChunk) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
  using namespace nvcuda;
  constexpr int lda = kTileK + 4, ldb = kTileN + 4, ldc = kTileN + 4;  // padded rows; multiples of 4 floats
  __shared__ __align__(32) float as[kTileM * lda];
  __shared__ __align__(32) float bs[kTileK * ldb];
  __shared__ __align__(32) float cs[kTileM * ldc];
  const int64_t batch = blockIdx.z / splits;
  const int64_t kBegin = (blockIdx.z % splits) * kChunk;
  const int64_t kEnd = kBegin + kChunk < k ? kBegin + kChunk : k;
  const int64_t m0 = int64_t{blockIdx.y} * kTileM;
  const int64_t n0 = int64_t{blockIdx.x} * kTileN;
  const int tid = threadIdx.x;
  const int warp = tid / 32;
  const int wm = (warp / 2) * 32, wn = (warp % 2) * 32;  // each of the 4 warps owns a 32×32 quarter (2×2 fragments)
  wmma::fragment<wmma::accumulator, 16, 16, 8, float> acc[2][2];
#pragma unroll
  for (int i = 0; i < 2; ++i)
#pragma unroll
    for (int j = 0; j < 2; ++j) wmma::fill_fragment(acc[i][j], 0.0f);
  for (int64_t k0 = kBegin; k0 < kEnd; k0 += kTileK) {
#pragma unroll
    for (int r = 0; r < 8; ++r) {
      const int idx = tid + r * 128;
      const int kk = idx % kTileK, mm = idx / kTileK;
      const int64_t gm = m0 + mm, gk = k0 + kk;
      as[mm * lda + kk] = (gm < m && gk < kEnd) ? a(batch, gm, gk) : 0.0f;
    }
#pragma unroll
    for (int r = 0; r < 8; ++r) {
      const int idx = tid + r * 128;
      const int nn = idx % kTileN, kk = idx / kTileN;
      const int64_t gn = n0 + nn, gk = k0 + kk;
      bs[kk * ldb + nn] = (gn < n && gk < kEnd) ? b(batch, gk, gn) : 0.0f;
    }
    __syncthreads();
#pragma unroll
    for (int ks = 0; ks < kTileK; ks += 8) {
      wmma::fragment<wmma::matrix_a, 16, 16, 8, wmma::precision::tf32, wmma::row_major> fa[2];
      wmma::fragment<wmma::matrix_b, 16, 16, 8, wmma::precision::tf32, wmma::row_major> fb[2];
#pragma unroll
      for (int i = 0; i < 2; ++i) {
        wmma::load_matrix_sync(fa[i], as + (wm + i * 16) * lda + ks, lda);
#pragma unroll
        for (int t = 0; t < fa[i].num_elements; ++t) fa[i].x[t] = wmma::__float_to_tf32(fa[i].x[t]);
      }
#pragma unroll
      for (int j = 0; j < 2; ++j) {
        wmma::load_matrix_sync(fb[j], bs + ks * ldb + wn + j * 16, ldb);
#pragma unroll
        for (int t = 0; t < fb[j].num_elements; ++t) fb[j].x[t] = wmma::__float_to_tf32(fb[j].x[t]);
      }
#pragma unroll
      for (int i = 0; i < 2; ++i)
#pragma unroll
        for (int j = 0; j < 2; ++j) wmma::mma_sync(acc[i][j], fa[i], fb[j], acc[i][j]);
    }
    __syncthreads();
  }
#pragma unroll
  for (int i = 0; i < 2; ++i)
#pragma unroll
    for (int j = 0; j < 2; ++j) wmma::store_matrix_sync(cs + (wm + i * 16) * ldc + wn + j * 16, acc[i][j], ldc, wmma::mem_row_major);
  __syncthreads();
  for (int idx = tid; idx < kTileM * kTileN; idx += 128) {
    const int mm = idx / kTileN, nn = idx % kTileN;
    const int64_t gm = m0 + mm, gn = n0 + nn;
    if (gm < m && gn < n) c(batch, gm, gn, cs[mm * ldc + nn]);
  }
#endif
}

/// Writes C (dense, [batch, m, n] with row stride ldc); with `accumulate` adds atomically (split-K, zeroed first).
struct DenseStore {
  float* c;
  int64_t ldc;
  int64_t batchStride;
  bool accumulate;
  __device__ __forceinline__ void operator()(int64_t batch, int64_t i, int64_t j, float v) const {
    float* p = c + batch * batchStride + i * ldc + j;
    if (accumulate)
      atomicAdd(p, v);
    else
      *p = v;
  }
};

/// How many K chunks to split a GEMM into so that small-output, long-K products (the filter gradient) still fill the
/// device: aim for ≥ 2 blocks per SM, chunks of at least 256.
inline int32_t splitKFor(int64_t tiles, int64_t k, int32_t sms) {
  int32_t splits = 1;
  while (tiles * splits < 2 * sms && k / (splits * 2) >= 256 && splits < 64) splits *= 2;
  return splits;
}

/// Runs C = A·B over `batch` products with the TF32 kernel when `tf32`, else FP32. When K is split, C is zeroed first
/// and the chunks add into it.
template <typename A, typename B>
void runGemm(A a, B b, float* c, int64_t ldc, int64_t cBatchStride, int64_t m, int64_t n, int64_t k, int64_t batch, bool tf32, int32_t sms,
             const char* name) {
  if (m == 0 || n == 0 || batch == 0) return;
  const GemmGrid grid = gemmGrid(m, n, batch, kTileM, kTileN);
  // Split-K adds its chunks with atomics, in no fixed order: deterministic mode keeps one chunk.
  const int32_t splits = k > 0 && !deterministicEnabled() ? splitKFor(grid.x * grid.y * batch, k, sms) : 1;
  if (splits > 1 || k == 0) {
    for (int64_t bi = 0; bi < batch; ++bi)
      cuda::check(cudaMemset2DAsync(c + bi * cBatchStride, ldc * sizeof(float), 0, n * sizeof(float), m, stream()), "cudaMemset2DAsync");
    if (k == 0) return;
  }
  if (grid.y > 65535 || batch * splits > 65535)
    throw std::runtime_error(std::string(name) + ": GEMM too large for one launch (" + std::to_string(m) + "×" + std::to_string(n) +
                             ", batch " + std::to_string(batch) + ")");
  const int64_t kChunk = ((k + splits - 1) / splits + kTileK - 1) / kTileK * kTileK;
  const DenseStore store{c, ldc, cBatchStride, splits > 1};
  const dim3 blocks(static_cast<unsigned>(grid.x), static_cast<unsigned>(grid.y), static_cast<unsigned>(batch * splits));
  if (tf32)
    gemmTf32Kernel<<<blocks, 128, 0, stream()>>>(a, b, store, m, n, k, splits, kChunk);
  else
    gemmFp32Kernel<<<blocks, 256, 0, stream()>>>(a, b, store, m, n, k, splits, kChunk);
  checkLaunch(name);
}

}  // namespace fedkern::gpu
