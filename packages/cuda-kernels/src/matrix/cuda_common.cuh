// Shared plumbing of the CUDA kernels: error checks that become std::runtime_error (and the lost-device state of a
// sticky error), per-thread scratch memory and stream, a device-availability gate, and warp/block reductions. Host
// code only throws; the binding turns that into a JS Error.
#pragma once

#include <cuda_runtime.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "matrix.h"

namespace fedkern::cuda {

/// "cudaErrorInsufficientDriver: CUDA driver version is insufficient for CUDA runtime version".
inline std::string describe(cudaError_t err) { return std::string(cudaGetErrorName(err)) + ": " + cudaGetErrorString(err); }

/// Errors after which the CUDA context is unusable: every later call in the process fails with the same error, so
/// retrying or falling back to another kernel only repeats it.
inline bool isSticky(cudaError_t err) {
  switch (err) {
    case cudaErrorIllegalAddress:
    case cudaErrorLaunchFailure:
    case cudaErrorHardwareStackError:
    case cudaErrorIllegalInstruction:
    case cudaErrorMisalignedAddress:
    case cudaErrorInvalidAddressSpace:
    case cudaErrorInvalidPc:
    case cudaErrorAssert:
    case cudaErrorECCUncorrectable:
    case cudaErrorLaunchTimeout:
    case cudaErrorContextIsDestroyed: return true;
    default: return false;
  }
}

/// The first sticky error of the process ("" while none), shared by the head kernels and the `cuda` backend.
struct LostState {
  std::mutex mutex;
  std::string reason;
  std::atomic<bool> lost{false};
};
inline LostState& lostState() {
  static LostState* state = new LostState;  // never destroyed: worker threads may still ask at exit
  return *state;
}
inline std::string lostReason() {
  LostState& s = lostState();
  if (!s.lost.load(std::memory_order_acquire)) return {};
  std::lock_guard<std::mutex> lock(s.mutex);
  return s.reason;
}
inline std::string lostMessage(const std::string& reason) {
  return "CUDA device lost: " + reason +
         " (a sticky CUDA error: the context is unusable and every later CUDA call fails; restart the process)";
}
/// Throws the lost-device message once a sticky error has been seen: later calls fail with the first cause, not with
/// whatever they would have tripped over.
inline void throwIfLost() {
  if (lostState().lost.load(std::memory_order_acquire)) throw std::runtime_error(lostMessage(lostReason()));
}

/// Throws std::runtime_error("<what>: <error name>: <text>") unless err == cudaSuccess; a sticky error marks the device
/// lost first (see throwIfLost).
inline void check(cudaError_t err, const char* what) {
  if (err == cudaSuccess) return;
  const std::string message = std::string(what) + ": " + describe(err);
  if (isSticky(err)) {
    LostState& s = lostState();
    {
      std::lock_guard<std::mutex> lock(s.mutex);
      if (!s.lost.load(std::memory_order_relaxed)) s.reason = message;
      s.lost.store(true, std::memory_order_release);
    }
    throw std::runtime_error(lostMessage(lostReason()));
  }
  throw std::runtime_error(message);
}

/// Throws "CUDA unavailable: <reason>" unless a device is usable; selects device 0. The probe runs once per process.
inline void requireDevice() {
  static const CudaInfo info = cudaInfo();
  if (!info.available) throw std::runtime_error("CUDA unavailable: " + info.error);
  throwIfLost();
  check(cudaSetDevice(0), "cudaSetDevice(0)");  // cheap when already current; worker threads start on no device
}

/// Per-thread device scratch memory and stream of the head kernels. A call takes its buffers from here and waits only
/// on its own stream, so it costs no cudaMalloc, cudaFree or cudaDeviceSynchronize: the memory grows to the largest
/// call seen and is reused (a call that outgrows it gets extra chunks, merged into one at the next call).
class Scratch {
 public:
  static Scratch& forThisThread() {
    thread_local Scratch scratch;
    return scratch;
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  ~Scratch() {
    // Errors ignored: at process exit the driver may already be gone.
    for (void* p : chunks_) cudaFree(p);
    if (stream_) cudaStreamDestroy(stream_);
  }

  cudaStream_t stream() {
    if (!stream_) check(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking), "cudaStreamCreate");
    return stream_;
  }

  /// Starts a call: every earlier pointer is given up (the previous call waited for its stream before returning).
  void begin() {
    if (chunks_.size() > 1) {  // outgrown: one chunk of the total from now on
      for (void* p : chunks_) check(cudaFree(p), "cudaFree(scratch)");
      chunks_.clear();
      const size_t total = capacity_;
      capacity_ = 0;
      grow(total);
    }
    used_ = 0;
  }

  /// Room for n elements of T, 256-byte aligned, valid until the next begin(). n may be 0 (then nullptr).
  template <typename T>
  T* take(size_t n) {
    if (n == 0) return nullptr;
    const size_t bytes = (n * sizeof(T) + 255) / 256 * 256;
    if (chunks_.empty() || used_ + bytes > chunkSize_) {
      grow(bytes);
      used_ = 0;
    }
    void* p = static_cast<char*>(chunks_.back()) + used_;
    used_ += bytes;
    return static_cast<T*>(p);
  }

  /// take(n), filled from host memory (queued on the stream; host memory must stay put until finish()).
  template <typename T>
  T* upload(const T* host, size_t n) {
    T* d = take<T>(n);
    if (n > 0) check(cudaMemcpyAsync(d, host, n * sizeof(T), cudaMemcpyHostToDevice, stream()), "cudaMemcpyAsync(host->device)");
    return d;
  }

  template <typename T>
  void download(const T* device, T* host, size_t n) {
    if (n > 0) check(cudaMemcpyAsync(host, device, n * sizeof(T), cudaMemcpyDeviceToHost, stream()), "cudaMemcpyAsync(device->host)");
  }

  /// Waits for this thread's work: errors of the call surface here, at the call that caused them.
  void finish(const char* what) { check(cudaStreamSynchronize(stream()), what); }

 private:
  Scratch() = default;
  void grow(size_t bytes) {
    const size_t size = bytes < (size_t{1} << 20) ? (size_t{1} << 20) : bytes;
    void* p = nullptr;
    check(cudaMalloc(&p, size), "cudaMalloc(scratch)");
    chunks_.push_back(p);
    chunkSize_ = size;
    capacity_ += size;
  }
  std::vector<void*> chunks_;
  size_t chunkSize_ = 0, used_ = 0, capacity_ = 0;
  cudaStream_t stream_ = nullptr;
};

/// A CSR matrix resident on the device, in the calling thread's scratch memory.
struct DeviceCsr {
  int32_t rows, cols;
  const int32_t* rowPtr;
  const int32_t* colIdx;
  const float* values;
  DeviceCsr(const CsrView& s, Scratch& scratch)
      : rows(s.rows),
        cols(s.cols),
        rowPtr(scratch.upload(s.rowPtr, static_cast<size_t>(s.rows) + 1)),
        colIdx(scratch.upload(s.colIdx, static_cast<size_t>(s.nnz()))),
        values(scratch.upload(s.values, static_cast<size_t>(s.nnz()))) {}
};

/// Checks that a launch was accepted (bad configuration, no kernel image); execution errors surface at finish().
inline void checkLaunch(const char* kernel) { check(cudaGetLastError(), kernel); }

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

// Device-pointer launchers shared between translation units (defined in csr_project.cu).

/// out[b, r] = Σ_j A[r, j]·x[b, j] (+ bias[r] when bias != nullptr) for a device CSR A; one warp per output.
void launchCsrProject(const float* x, int32_t batch, const DeviceCsr& a, const float* bias, float* out, cudaStream_t stream);

}  // namespace fedkern::cuda
