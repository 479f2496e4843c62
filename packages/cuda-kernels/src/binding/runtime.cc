// Bindings of the native backend's runtime: host buffers shared with JS without copies, threads, library facts.
#include "../native/runtime.h"

#include "args.h"
#include "bindings.h"

namespace fedkern::binding {

/// allocHostBuffer(bytes): ArrayBuffer over 64-byte aligned, uninitialised native memory. The memory is freed when
/// the ArrayBuffer is garbage-collected; the JS buffer pool (src/backend/buffer-pool.ts) keeps and reuses them.
Napi::Value AllocHostBuffer(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "allocHostBuffer";
  requireArgCount(info, fn, 1, "(bytes)");
  Napi::Env env = info.Env();
  if (!info[0].IsNumber()) throw Napi::TypeError::New(env, "allocHostBuffer(bytes): expected a number of bytes");
  const double requested = info[0].As<Napi::Number>().DoubleValue();
  if (!(requested >= 0) || requested > 64.0 * 1024 * 1024 * 1024 || requested != static_cast<double>(static_cast<size_t>(requested))) {
    throw Napi::RangeError::New(env, "allocHostBuffer(bytes): expected an integer in [0, 64 GiB], got " + std::to_string(requested));
  }
  const size_t bytes = static_cast<size_t>(requested);
  void* ptr = nullptr;
  try {
    ptr = native::allocHost(bytes);
  } catch (const std::bad_alloc&) {
    throw Napi::Error::New(env, "allocHostBuffer: out of host memory allocating " + std::to_string(bytes) + " bytes");
  }
  auto* size = new size_t(bytes);
  return Napi::ArrayBuffer::New(
      env, ptr, bytes,
      [](Napi::Env, void* data, size_t* hint) {
        native::freeHost(data, *hint);
        delete hint;
      },
      size);
}

/// hostMemoryStats(): {liveBuffers, liveBytes, totalAllocations} of allocHostBuffer memory.
Napi::Value HostMemoryStats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const auto s = native::hostMemoryStats();
  Napi::Object o = Napi::Object::New(env);
  o.Set("liveBuffers", static_cast<double>(s.liveBuffers));
  o.Set("liveBytes", static_cast<double>(s.liveBytes));
  o.Set("totalAllocations", static_cast<double>(s.totalAllocations));
  return o;
}

/// setNumThreads(n): threads for oneDNN and our loops on the calling JS thread. Returns the count now in force.
Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "setNumThreads";
  requireArgCount(info, fn, 1, "(threads)");
  const int32_t n = sizeArg(info, {fn, 0, "threads"});
  native::setNumThreads(n < 1 ? 1 : n);
  return Napi::Number::New(info.Env(), native::numThreads());
}

/// libraryInfo(): {dnnl, dnnlVersion, openmp, threads}.
Napi::Value LibraryInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const auto li = native::libraryInfo();
  Napi::Object o = Napi::Object::New(env);
  o.Set("dnnl", li.dnnl);
  o.Set("dnnlVersion", li.dnnl ? Napi::Value(Napi::String::New(env, li.dnnlVersion)) : env.Null());
  o.Set("openmp", li.openmp);
  o.Set("threads", native::numThreads());
  return o;
}

}  // namespace fedkern::binding
