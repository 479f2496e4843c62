// Device 0 of the `cuda` backend: one stream, the caching allocator over cudaMallocAsync (cudaMalloc where the device
// has no memory pools), and the handle table that names buffers for JS. One mutex guards the table and the
// allocator: worker threads may each run a backend on the same device.
#include <cuda_runtime.h>

#include <cstdlib>
#include <mutex>
#include <unordered_map>

#include "../matrix/cuda_common.cuh"
#include "device.h"
#include "launch.cuh"

namespace fedkern::gpu {
namespace {

/// "80 86 89 90 90a", from the build (CMake passes FEDKERN_CUDA_ARCHS).
#ifndef FEDKERN_CUDA_ARCHS
#define FEDKERN_CUDA_ARCHS "unknown"
#endif

/// The raw allocator under the cache: stream-ordered when the device supports memory pools.
struct DeviceRaw {
  cudaStream_t stream = nullptr;
  bool async = false;
  void* allocate(size_t bytes) {
    void* ptr = nullptr;
    const cudaError_t err = async ? cudaMallocAsync(&ptr, bytes, stream) : cudaMalloc(&ptr, bytes);
    if (err == cudaErrorMemoryAllocation) {
      cudaGetLastError();  // not sticky: clear it, the caller trims the cache and retries or throws OutOfMemory
      return nullptr;
    }
    cuda::check(err, async ? "cudaMallocAsync" : "cudaMalloc");
    return ptr;
  }
  void release(void* ptr, size_t) {
    if (async)
      cudaFreeAsync(ptr, stream);
    else
      cudaFree(ptr);
  }
};

struct Buffer {
  CachingAllocator<DeviceRaw>::Block block;
  size_t bytes;
};

struct Runtime {
  std::mutex mutex;
  CachingAllocator<DeviceRaw> allocator;
  std::unordered_map<Handle, Buffer> buffers;
  Handle next = 1;
  bool tf32 = true;
  bool deterministic = false;
  explicit Runtime(DeviceRaw raw) : allocator(raw) {}
};

__global__ void noopKernel() {}

DeviceStatus probe() {
  DeviceStatus s;
  s.compiled = true;
  s.architectures = FEDKERN_CUDA_ARCHS;
  int count = 0;
  cudaError_t err = cudaGetDeviceCount(&count);
  if (err != cudaSuccess) {
    s.reason = cuda::describe(err);
    cudaGetLastError();
    return s;
  }
  if (count == 0) {
    s.reason = "no CUDA device visible (cudaGetDeviceCount returned 0)";
    return s;
  }
  cudaDeviceProp prop{};
  err = cudaGetDeviceProperties(&prop, 0);
  if (err != cudaSuccess) {
    s.reason = "cudaGetDeviceProperties(0): " + cuda::describe(err);
    return s;
  }
  s.computeMajor = prop.major;
  s.computeMinor = prop.minor;
  s.deviceName = std::string(prop.name) + " (sm_" + std::to_string(prop.major) + std::to_string(prop.minor) + ")";
  s.totalMemoryBytes = static_cast<double>(prop.totalGlobalMem);
  s.tensorCores = prop.major >= 8;
  if (prop.major < 8) {
    s.reason = s.deviceName + " is older than sm_80; this build targets sm_" + std::string(FEDKERN_CUDA_ARCHS) +
               " (rebuild with CUDAARCHS set to its architecture)";
    return s;
  }
  // A kernel image for this device must exist, or every launch fails with cudaErrorNoKernelImageForDevice;
  // cudaFuncGetAttributes asks without launching.
  cudaFuncAttributes attrs{};
  err = cudaFuncGetAttributes(&attrs, noopKernel);
  if (err != cudaSuccess) {
    s.reason = "no kernel image for " + s.deviceName + " in this build (archs " + s.architectures +
               "; rebuild with CUDAARCHS=" + std::to_string(prop.major) + std::to_string(prop.minor) + "): " + cuda::describe(err);
    cudaGetLastError();
    return s;
  }
  s.available = true;
  return s;
}

/// The runtime, created on first use; no lost-device check (deviceFree needs it after a sticky error).
Runtime& runtimeUnchecked() {
  static Runtime* rt = [] {
    const DeviceStatus& s = deviceStatus();
    if (!s.available) throw std::runtime_error("CUDA unavailable: " + s.reason);
    cuda::check(cudaSetDevice(0), "cudaSetDevice(0)");
    DeviceRaw raw;
    cuda::check(cudaStreamCreateWithFlags(&raw.stream, cudaStreamNonBlocking), "cudaStreamCreate");
    int pools = 0;
    cudaDeviceGetAttribute(&pools, cudaDevAttrMemoryPoolsSupported, 0);
    raw.async = pools != 0;
    auto* created = new Runtime(raw);  // never destroyed: the driver may be gone at process exit
    const char* env = std::getenv("FEDKERN_CUDA_TF32");
    created->tf32 = !(env && std::string(env) == "0");
    const char* det = std::getenv("FEDKERN_CUDA_DETERMINISTIC");
    created->deterministic = det && std::string(det) == "1";
    return created;
  }();
  return *rt;
}

/// The runtime of every call but deviceFree: throws the lost-device message after a sticky error.
Runtime& runtime() {
  Runtime& rt = runtimeUnchecked();
  cuda::throwIfLost();
  return rt;
}

Buffer& lookup(Runtime& rt, Handle h, const char* what) {
  auto it = rt.buffers.find(h);
  if (it == rt.buffers.end())
    throw std::runtime_error(std::string(what) + ": unknown device buffer handle " + std::to_string(h) +
                             " (already disposed, or not from this backend)");
  return it->second;
}

}  // namespace

cudaStream_t stream() { return runtime().allocator.raw().stream; }

DeviceStatus deviceStatus() {
  static const DeviceStatus status = probe();
  return status;
}

Handle deviceAlloc(size_t bytes) {
  Runtime& rt = runtime();
  std::lock_guard<std::mutex> lock(rt.mutex);
  const auto block = rt.allocator.acquire(bytes);
  const Handle h = rt.next++;
  rt.buffers.emplace(h, Buffer{block, bytes});
  return h;
}

void deviceFree(Handle h) {
  if (!cuda::lostReason().empty()) {
    // Disposal after a sticky error must not throw: tfjs frees tensors while unwinding from the error that matters.
    // The memory went with the context; only the handle is forgotten.
    Runtime& rt = runtimeUnchecked();
    std::lock_guard<std::mutex> lock(rt.mutex);
    rt.buffers.erase(h);
    return;
  }
  Runtime& rt = runtime();
  std::lock_guard<std::mutex> lock(rt.mutex);
  Buffer& b = lookup(rt, h, "deviceFree");
  rt.allocator.release(b.block);
  rt.buffers.erase(h);
}

size_t deviceBytes(Handle h) {
  Runtime& rt = runtime();
  std::lock_guard<std::mutex> lock(rt.mutex);
  return lookup(rt, h, "deviceBytes").bytes;
}

void* devicePointer(Handle h, size_t bytes, const char* what) {
  Runtime& rt = runtime();
  std::lock_guard<std::mutex> lock(rt.mutex);
  const Buffer& b = lookup(rt, h, what);
  if (bytes > b.bytes)
    throw std::runtime_error(std::string(what) + ": device buffer " + std::to_string(h) + " holds " + std::to_string(b.bytes) +
                             " bytes but " + std::to_string(bytes) + " are needed");
  return b.block.ptr;
}

void deviceUpload(Handle h, const void* src, size_t bytes) {
  void* dst = devicePointer(h, bytes, "upload");
  if (bytes == 0) return;
  cuda::check(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyHostToDevice, stream()), "cudaMemcpyAsync(host->device)");
  cuda::check(cudaStreamSynchronize(stream()), "upload");
}

void deviceDownload(Handle h, void* dst, size_t bytes) {
  const void* src = devicePointer(h, bytes, "download");
  if (bytes == 0) return;
  cuda::check(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToHost, stream()), "cudaMemcpyAsync(device->host)");
  cuda::check(cudaStreamSynchronize(stream()), "download");
}

void synchronize() { cuda::check(cudaStreamSynchronize(stream()), "synchronize"); }

DeviceMemoryStats deviceMemoryStats() {
  Runtime& rt = runtime();
  std::lock_guard<std::mutex> lock(rt.mutex);
  DeviceMemoryStats s;
  s.allocator = rt.allocator.stats();
  s.liveHandles = rt.buffers.size();
  return s;
}

void deviceTrim() {
  Runtime& rt = runtime();
  std::lock_guard<std::mutex> lock(rt.mutex);
  rt.allocator.trim();
}

void setTf32(bool enabled) { runtime().tf32 = enabled; }
bool tf32Enabled() { return runtime().tf32; }
void setDeterministic(bool enabled) { runtime().deterministic = enabled; }
bool deterministicEnabled() { return runtime().deterministic; }
std::string lostReason() { return cuda::lostReason(); }

}  // namespace fedkern::gpu
