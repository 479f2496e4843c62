#include "runtime.h"

#include <atomic>
#include <cstdlib>
#include <new>

#ifdef _OPENMP
#include <omp.h>
#endif
#ifdef FEDKERN_HAS_DNNL
#include <dnnl.h>
#endif

namespace fedkern::native {

namespace {
std::atomic<int64_t> gLiveBuffers{0};
std::atomic<int64_t> gLiveBytes{0};
std::atomic<int64_t> gTotalAllocations{0};
// Without OpenMP our loops are single-threaded; remember what was asked for so numThreads() reports it.
thread_local int tThreads = 0;

size_t roundUp(size_t bytes) { return (bytes + kHostAlignment - 1) / kHostAlignment * kHostAlignment; }
}  // namespace

void* allocHost(size_t bytes) {
  const size_t size = roundUp(bytes == 0 ? 1 : bytes);
  void* p = std::aligned_alloc(kHostAlignment, size);
  if (p == nullptr) throw std::bad_alloc();
  gLiveBuffers.fetch_add(1, std::memory_order_relaxed);
  gLiveBytes.fetch_add(static_cast<int64_t>(size), std::memory_order_relaxed);
  gTotalAllocations.fetch_add(1, std::memory_order_relaxed);
  return p;
}

void freeHost(void* ptr, size_t bytes) {
  if (ptr == nullptr) return;
  std::free(ptr);
  gLiveBuffers.fetch_sub(1, std::memory_order_relaxed);
  gLiveBytes.fetch_sub(static_cast<int64_t>(roundUp(bytes == 0 ? 1 : bytes)), std::memory_order_relaxed);
}

HostMemoryStats hostMemoryStats() { return {gLiveBuffers.load(), gLiveBytes.load(), gTotalAllocations.load()}; }

void setNumThreads(int threads) {
  if (threads < 1) threads = 1;
  tThreads = threads;
#ifdef _OPENMP
  omp_set_num_threads(threads);  // per calling thread (OpenMP ICV), so each worker thread keeps its own setting
#endif
}

int numThreads() {
#ifdef _OPENMP
  return omp_get_max_threads();
#else
  return tThreads > 0 ? tThreads : 1;
#endif
}

LibraryInfo libraryInfo() {
  LibraryInfo info{false, "", false};
#ifdef FEDKERN_HAS_DNNL
  const dnnl_version_t* v = dnnl_version();
  info.dnnl = true;
  info.dnnlVersion = std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch);
#endif
#ifdef _OPENMP
  info.openmp = true;
#endif
  return info;
}

}  // namespace fedkern::native
