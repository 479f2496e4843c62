// Process-wide facts of the native tensor backend that are not kernels: aligned host memory, the thread count
// that oneDNN / OpenMP and our own loops use, and which optional libraries this build has.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace fedkern::native {

/// Alignment of every host buffer handed to JS: one AVX-512 vector / cache line, what oneDNN prefers.
constexpr size_t kHostAlignment = 64;

/// Allocates `bytes` (rounded up to kHostAlignment) of uninitialised, aligned host memory; throws std::bad_alloc.
void* allocHost(size_t bytes);
/// Frees memory from allocHost.
void freeHost(void* ptr, size_t bytes);

struct HostMemoryStats {
  int64_t liveBuffers;  ///< buffers allocated and not yet freed
  int64_t liveBytes;    ///< their total size
  int64_t totalAllocations;
};
HostMemoryStats hostMemoryStats();

/// Threads for oneDNN (OpenMP) and our parallel loops, for calls made from the calling thread.
void setNumThreads(int threads);
int numThreads();

struct LibraryInfo {
  bool dnnl;  ///< built against oneDNN
  std::string dnnlVersion;
  bool openmp;  ///< built with OpenMP
};
LibraryInfo libraryInfo();

}  // namespace fedkern::native
