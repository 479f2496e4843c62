// Shared plumbing of the CUDA kernels: error checks that become std::runtime_error, an RAII device buffer, a
// device-availability gate, and warp/block reductions. Host code only throws; the binding turns that into a JS Error.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>
#include <stdexcept>
#include <string>

#include "kernels.h"

namespace fedkern::cuda {

/// "cudaErrorInsufficientDriver: CUDA driver version is insufficient for CUDA runtime version".
inline std::string describe(cudaError_t err) { return std::string(cudaGetErrorName(err)) + ": " + cudaGetErrorString(err); }

/// Throws std::runtime_error("<what>: <error name>: <text>") unless err == cudaSuccess.
inline void check(cudaError_t err, const char* what) {
  if (err != cudaSuccess) throw std::runtime_error(std::string(what) + ": " + describe(err));
}

/// Throws "CUDA unavailable: <reason>" unless a device is usable; selects device 0. The probe runs once per process.
inline void requireDevice() {
  static const CudaInfo info = cudaInfo();
  if (!info.available) throw std::runtime_error("CUDA unavailable: " + info.error);
  check(cudaSetDevice(0), "cudaSetDevice(0)");
}

/// Owning device allocation of n elements of T (n may be 0).
template <typename T>
class DeviceBuffer {
 public:
  explicit DeviceBuffer(size_t n) : n_(n) {
    if (n_ > 0) check(cudaMalloc(&ptr_, n_ * sizeof(T)), "cudaMalloc");
  }
  DeviceBuffer(const T* host, size_t n) : DeviceBuffer(n) { upload(host); }
  ~DeviceBuffer() {
    if (ptr_) cudaFree(ptr_);
  }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;

  T* get() const { return ptr_; }
  void upload(const T* host) {
    if (n_ > 0) check(cudaMemcpy(ptr_, host, n_ * sizeof(T), cudaMemcpyHostToDevice), "cudaMemcpy(host->device)");
  }
  void download(T* host) const {
    if (n_ > 0) check(cudaMemcpy(host, ptr_, n_ * sizeof(T), cudaMemcpyDeviceToHost), "cudaMemcpy(device->host)");
  }

 private:
  T* ptr_ = nullptr;
  size_t n_ = 0;
};

/// A CSR matrix resident on the device.
struct DeviceCsr {
  int32_t rows, cols;
  DeviceBuffer<int32_t> rowPtr, colIdx;
  DeviceBuffer<float> values;
  explicit DeviceCsr(const CsrView& s)
      : rows(s.rows),
        cols(s.cols),
        rowPtr(s.rowPtr, static_cast<size_t>(s.rows) + 1),
        colIdx(s.colIdx, static_cast<size_t>(s.nnz())),
        values(s.values, static_cast<size_t>(s.nnz())) {}
};

/// Checks the launch and waits for it, so errors surface at the call that caused them.
inline void finishLaunch(const char* kernel) {
  check(cudaGetLastError(), kernel);
  check(cudaDeviceSynchronize(), kernel);
}

constexpr int kWarp = 32;
constexpr int kBlock = 256;

/// Blocks needed for `items` work items of `perBlock` each, capped (kernels use grid-stride loops).
inline unsigned gridFor(int64_t items, int64_t perBlock) {
  const int64_t blocks = (items + perBlock - 1) / perBlock;
  return static_cast<unsigned>(blocks < 1 ? 1 : (blocks > 65535 * 16 ? 65535 * 16 : blocks));
}

__device__ __forceinline__ float warpSum(float v) {
  for (int offset = kWarp / 2; offset > 0; offset /= 2) v += __shfl_down_sync(0xffffffffu, v, offset);
  return v;
}

__device__ __forceinline__ float warpMax(float v) {
  for (int offset = kWarp / 2; offset > 0; offset /= 2) v = fmaxf(v, __shfl_down_sync(0xffffffffu, v, offset));
  return v;
}

/// Sum over the block (blockDim.x a multiple of 32, ≤ 1024); every thread receives the result.
__device__ __forceinline__ float blockSum(float v) {
  __shared__ float partial[32];
  __shared__ float result;
  v = warpSum(v);
  if (threadIdx.x % kWarp == 0) partial[threadIdx.x / kWarp] = v;
  __syncthreads();
  if (threadIdx.x < kWarp) {
    float w = threadIdx.x < blockDim.x / kWarp ? partial[threadIdx.x] : 0.0f;
    w = warpSum(w);
    if (threadIdx.x == 0) result = w;
  }
  __syncthreads();
  const float total = result;
  __syncthreads();  // partial/result may be reused by the next call
  return total;
}

/// Maximum over the block; every thread receives the result.
__device__ __forceinline__ float blockMax(float v) {
  __shared__ float partial[32];
  __shared__ float result;
  v = warpMax(v);
  if (threadIdx.x % kWarp == 0) partial[threadIdx.x / kWarp] = v;
  __syncthreads();
  if (threadIdx.x < kWarp) {
    float w = threadIdx.x < blockDim.x / kWarp ? partial[threadIdx.x] : -INFINITY;
    w = warpMax(w);
    if (threadIdx.x == 0) result = w;
  }
  __syncthreads();
  const float total = result;
  __syncthreads();
  return total;
}

// Device-pointer launchers shared between translation units (defined in etf_project.cu).

/// out[b, r] = Σ_j A[r, j]·x[b, j] (+ bias[r] when bias != nullptr) for a device CSR A; one warp per output.
void launchCsrProject(const float* x, int32_t batch, const DeviceCsr& a, const float* bias, float* out);

}  // namespace fedkern::cuda
