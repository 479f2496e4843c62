// What every oneDNN kernel of the native backend shares: the CPU engine and stream of the calling thread, scratch
// memory for operands in oneDNN's blocked layouts, and an Operand that reorders between the user's plain layout and the
// layout a primitive chose. Everything is thread_local: Node worker threads each call the addon from their own OS
// thread, and a oneDNN stream or a scratch buffer must not be used by two threads at once. It also keeps oneDNN's own
// rule for its default library-managed scratchpad (DNNL_ENABLE_CONCURRENT_EXEC=OFF, as Debian builds it): a primitive
// must run on the thread that created it. Hence every primitive cache in the kernels is thread_local too.
#pragma once

#ifdef FEDKERN_HAS_DNNL

#include <dnnl.hpp>

#include <cstddef>

namespace fedkern::native::dnnl_ctx {

/// The CPU engine of the calling thread.
dnnl::engine& engine();
/// An in-order stream on engine(), of the calling thread.
dnnl::stream& stream();

/// Scratch memory `slot` (0..kScratchSlots-1) of the calling thread, at least `bytes` long, 64-byte aligned. Valid
/// until the next call with the same slot on this thread. A kernel uses each slot for one operand at most.
constexpr int kScratchSlots = 4;
void* scratch(int slot, size_t bytes);

/// One operand of a cached primitive: its plain user layout and the layout the primitive wants. When they differ,
/// the data goes through a cached reorder and a scratch slot; otherwise the primitive works on the user's memory.
class Operand {
 public:
  Operand() = default;
  /// `input`: the primitive reads it (reorder user → inner before); else it writes it (reorder inner → user after).
  Operand(const dnnl::memory::desc& user, const dnnl::memory::desc& inner, bool input, int slot);

  /// For an input: points it at `data` and reorders when needed; returns the memory to hand to the primitive.
  const dnnl::memory& prepareInput(const void* data);
  /// For an output: the memory the primitive should write (scratch, or `data` itself).
  const dnnl::memory& prepareOutput(void* data);
  /// For an output, after the primitive ran: reorders the result into the user's memory when needed.
  void finishOutput();

  bool reorders() const { return reorders_; }

 private:
  dnnl::memory::desc innerDesc_;
  dnnl::memory user_, inner_;
  dnnl::reorder reorder_;
  bool reorders_ = false;
  int slot_ = 0;
};

}  // namespace fedkern::native::dnnl_ctx

#endif  // FEDKERN_HAS_DNNL
