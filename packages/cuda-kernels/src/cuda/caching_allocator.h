// A caching allocator with size classes over a raw allocator (cudaMallocAsync / cudaMalloc on the GPU, malloc in the
// CPU tests). Freed blocks wait in a free list of their size class and are handed out again without a raw call, so a
// training step that makes the same shapes every step allocates nothing after its first step. All work is on one
// stream, so a block freed (stream-ordered) and reused later on that stream needs no event. Plain C++: no CUDA types,
// so it is unit-tested through the CPU build (binding/cuda_host_probes.cc).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace fedkern::gpu {

/// The size class of a request: 512 B granules up to 1 MiB, then quarter steps between powers of two (at most 25 %
/// waste). Every class is a multiple of 512 B, so blocks stay aligned for vector loads.
inline size_t sizeClass(size_t bytes) {
  constexpr size_t kGranule = 512;
  constexpr size_t kSmall = size_t{1} << 20;
  if (bytes <= kGranule) return kGranule;
  if (bytes <= kSmall) return (bytes + kGranule - 1) / kGranule * kGranule;
  size_t top = kSmall;
  while (top * 2 <= bytes) top *= 2;
  const size_t step = top / 4;
  return (bytes + step - 1) / step * step;
}

struct AllocatorStats {
  size_t bytesInUse = 0;  ///< capacity of blocks handed out
  size_t blocksInUse = 0;
  size_t bytesCached = 0;  ///< capacity waiting in free lists
  size_t blocksCached = 0;
  uint64_t acquires = 0;        ///< requests served
  uint64_t rawAllocations = 0;  ///< requests that needed the raw allocator
  uint64_t trims = 0;           ///< times the cache was emptied to satisfy a request
};

/// Thrown when neither the cache nor the raw allocator can serve a request.
class OutOfMemory : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Raw must provide `void* allocate(size_t)` (nullptr when out of memory) and `void release(void*, size_t)`.
template <typename Raw>
class CachingAllocator {
 public:
  explicit CachingAllocator(Raw raw) : raw_(std::move(raw)) {}
  ~CachingAllocator() { trim(); }
  CachingAllocator(const CachingAllocator&) = delete;
  CachingAllocator& operator=(const CachingAllocator&) = delete;

  struct Block {
    void* ptr;
    size_t capacity;
  };

  /// A block of at least `bytes` (contents undefined). On a raw failure it frees the cache and retries once, then
  /// throws OutOfMemory with the request and the allocator's state.
  Block acquire(size_t bytes) {
    const size_t capacity = sizeClass(bytes);
    ++stats_.acquires;
    auto it = free_.find(capacity);
    if (it != free_.end() && !it->second.empty()) {
      void* ptr = it->second.back();
      it->second.pop_back();
      stats_.bytesCached -= capacity;
      --stats_.blocksCached;
      return handOut(ptr, capacity);
    }
    void* ptr = raw_.allocate(capacity);
    if (ptr == nullptr && stats_.blocksCached > 0) {
      trim();
      ++stats_.trims;
      ptr = raw_.allocate(capacity);
    }
    if (ptr == nullptr) {
      throw OutOfMemory("out of device memory allocating " + std::to_string(bytes) + " bytes (size class " + std::to_string(capacity) +
                        "; " + std::to_string(stats_.bytesInUse) + " bytes in " + std::to_string(stats_.blocksInUse) +
                        " live tensors). Dispose tensors you no longer need, or use a smaller batch or model");
    }
    ++stats_.rawAllocations;
    return handOut(ptr, capacity);
  }

  /// Returns a block from acquire() to its free list.
  void release(Block block) {
    stats_.bytesInUse -= block.capacity;
    --stats_.blocksInUse;
    free_[block.capacity].push_back(block.ptr);
    stats_.bytesCached += block.capacity;
    ++stats_.blocksCached;
  }

  /// Gives every cached block back to the raw allocator.
  void trim() {
    for (auto& [capacity, list] : free_) {
      for (void* ptr : list) raw_.release(ptr, capacity);
    }
    free_.clear();
    stats_.bytesCached = 0;
    stats_.blocksCached = 0;
  }

  const AllocatorStats& stats() const { return stats_; }
  Raw& raw() { return raw_; }

 private:
  Block handOut(void* ptr, size_t capacity) {
    stats_.bytesInUse += capacity;
    ++stats_.blocksInUse;
    return {ptr, capacity};
  }

  Raw raw_;
  std::map<size_t, std::vector<void*>> free_;
  AllocatorStats stats_;
};

}  // namespace fedkern::gpu
