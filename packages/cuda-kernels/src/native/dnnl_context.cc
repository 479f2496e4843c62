#include "dnnl_context.h"

#ifdef FEDKERN_HAS_DNNL

#include <cstdlib>
#include <memory>
#include <new>

#include "runtime.h"

namespace fedkern::native::dnnl_ctx {

namespace {

struct ScratchBuffer {
  void* data = nullptr;
  size_t bytes = 0;
  ~ScratchBuffer() { std::free(data); }
};

struct ThreadContext {
  dnnl::engine engine{dnnl::engine::kind::cpu, 0};
  dnnl::stream stream{engine};
  ScratchBuffer scratch[kScratchSlots];
};

ThreadContext& context() {
  thread_local ThreadContext ctx;
  return ctx;
}

}  // namespace

dnnl::engine& engine() { return context().engine; }
dnnl::stream& stream() { return context().stream; }

void* scratch(int slot, size_t bytes) {
  ScratchBuffer& buffer = context().scratch[slot];
  if (buffer.bytes < bytes) {
    std::free(buffer.data);
    buffer.data = nullptr;
    buffer.bytes = 0;
    // Grow by 1/4 beyond the request so that a slightly larger batch does not reallocate again.
    const size_t size = (bytes + bytes / 4 + kHostAlignment - 1) / kHostAlignment * kHostAlignment;
    buffer.data = std::aligned_alloc(kHostAlignment, size);
    if (buffer.data == nullptr) throw std::bad_alloc();
    buffer.bytes = size;
  }
  return buffer.data;
}

Operand::Operand(const dnnl::memory::desc& user, const dnnl::memory::desc& inner, bool input, int slot) : innerDesc_(inner), slot_(slot) {
  user_ = dnnl::memory(user, engine(), DNNL_MEMORY_NONE);
  reorders_ = user != inner;
  if (reorders_) {
    inner_ = dnnl::memory(inner, engine(), DNNL_MEMORY_NONE);
    reorder_ = input ? dnnl::reorder(user_, inner_) : dnnl::reorder(inner_, user_);
  }
}

const dnnl::memory& Operand::prepareInput(const void* data) {
  user_.set_data_handle(const_cast<void*>(data));
  if (!reorders_) return user_;
  inner_.set_data_handle(scratch(slot_, innerDesc_.get_size()));
  reorder_.execute(stream(), user_, inner_);
  return inner_;
}

const dnnl::memory& Operand::prepareOutput(void* data) {
  user_.set_data_handle(data);
  if (!reorders_) return user_;
  inner_.set_data_handle(scratch(slot_, innerDesc_.get_size()));
  return inner_;
}

void Operand::finishOutput() {
  if (reorders_) reorder_.execute(stream(), inner_, user_);
}

}  // namespace fedkern::native::dnnl_ctx

#endif  // FEDKERN_HAS_DNNL
