// CPU-side probes of the `cuda` backend's host logic, compiled into every build so the TypeScript tests can check it
// without a GPU: the implicit-GEMM index maps of a convolution (geometry.h) and the caching allocator's size classes
// and reuse (caching_allocator.h over a simulated device with a byte budget).
#include <cstdint>
#include <string>
#include <vector>

#include "../cuda/caching_allocator.h"
#include "../cuda/geometry.h"
#include "args.h"
#include "bindings.h"

namespace fedkern::binding {
namespace {

/// A raw allocator with a fixed budget that hands out distinct fake addresses (never dereferenced).
struct BudgetRaw {
  size_t budget;
  size_t used = 0;
  uintptr_t next = 0x1000;
  void* allocate(size_t bytes) {
    if (used + bytes > budget) return nullptr;
    used += bytes;
    void* p = reinterpret_cast<void*>(next);
    next += bytes;
    return p;
  }
  void release(void*, size_t bytes) { used -= bytes; }
};

}  // namespace

/// cudaConvIndexMap(kind, geometry): {m, n, k, a: Float64Array(m·k), b: Float64Array(k·n) | null} — for kind
/// 'forward' A[m,k] is the input index (−1 = padding); 'backwardData' A is the dy index and B the filter index;
/// 'backwardFilter' A is the input index. Limited to 4M entries (a test probe).
Napi::Value CudaConvIndexMap(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "cudaConvIndexMap";
  requireArgCount(info, fn, 2, "(kind, geometry)");
  Napi::Env env = info.Env();
  const std::string kind = info[0].IsString() ? info[0].As<Napi::String>().Utf8Value() : "";
  const Napi::Int32Array geo = int32Arg(info, {fn, 1, "geometry"});
  requireLength(env, {fn, 1, "geometry"}, geo.ElementLength(), 15, "(ConvGeometry fields)");
  gpu::ConvGeometry g{};
  int32_t* fields[] = {&g.batch,   &g.inH,     &g.inW,     &g.inC,       &g.outH,      &g.outW,   &g.outC,   &g.filterH,
                       &g.filterW, &g.strideH, &g.strideW, &g.dilationH, &g.dilationW, &g.padTop, &g.padLeft};
  for (size_t i = 0; i < 15; ++i) *fields[i] = geo[i];
  if (g.strideH < 1 || g.strideW < 1 || g.dilationH < 1 || g.dilationW < 1 || g.inC < 1 || g.outC < 1 || g.inW < 1 || g.outW < 1 ||
      g.inH < 1 || g.outH < 1 || g.filterW < 1 || g.filterH < 1)
    throw Napi::RangeError::New(env, "cudaConvIndexMap: sizes, strides and dilations must be ≥ 1");
  gpu::GemmShape s{};
  if (kind == "forward")
    s = gpu::convForwardGemm(g);
  else if (kind == "backwardData")
    s = gpu::convBackwardDataGemm(g);
  else if (kind == "backwardFilter")
    s = gpu::convBackwardFilterGemm(g);
  else
    throw Napi::TypeError::New(env, "cudaConvIndexMap(kind): expected 'forward', 'backwardData' or 'backwardFilter'");
  if (s.m * s.k > (int64_t{1} << 22) || s.k * s.n > (int64_t{1} << 22))
    throw Napi::RangeError::New(env, "cudaConvIndexMap: geometry too large for a probe");
  auto a = Napi::Float64Array::New(env, static_cast<size_t>(s.m * s.k));
  for (int64_t m = 0; m < s.m; ++m)
    for (int64_t k = 0; k < s.k; ++k) {
      int64_t idx;
      if (kind == "forward")
        idx = gpu::convForwardInputIndex(g, m, k);
      else if (kind == "backwardData")
        idx = gpu::convBackwardDataDyIndex(g, m, k);
      else
        idx = gpu::convBackwardFilterInputIndex(g, m, k);
      a[static_cast<size_t>(m * s.k + k)] = static_cast<double>(idx);
    }
  Napi::Object o = Napi::Object::New(env);
  o.Set("m", static_cast<double>(s.m));
  o.Set("n", static_cast<double>(s.n));
  o.Set("k", static_cast<double>(s.k));
  o.Set("a", a);
  if (kind == "backwardData") {
    auto b = Napi::Float64Array::New(env, static_cast<size_t>(s.k * s.n));
    for (int64_t k = 0; k < s.k; ++k)
      for (int64_t n = 0; n < s.n; ++n)
        b[static_cast<size_t>(k * s.n + n)] = static_cast<double>(gpu::convBackwardDataFilterIndex(g, k, n));
    o.Set("b", b);
  } else {
    o.Set("b", env.Null());
  }
  return o;
}

/// cudaAllocatorProbe(budgetBytes, ops): runs the caching allocator over a simulated device of `budgetBytes`.
/// ops: n ≥ 0 acquires n bytes; −(i+1) releases the block of the i-th op. Returns one entry per op
/// ({capacity, fresh} or {error}) and the final stats.
Napi::Value CudaAllocatorProbe(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "cudaAllocatorProbe";
  requireArgCount(info, fn, 2, "(budgetBytes, ops)");
  Napi::Env env = info.Env();
  const double budget = numberArg(info, {fn, 0, "budgetBytes"});
  if (!info[1].IsArray()) throw Napi::TypeError::New(env, "cudaAllocatorProbe(ops): expected an array of numbers");
  const Napi::Array ops = info[1].As<Napi::Array>();
  gpu::CachingAllocator<BudgetRaw> allocator(BudgetRaw{static_cast<size_t>(budget)});
  std::vector<gpu::CachingAllocator<BudgetRaw>::Block> blocks(ops.Length(), {nullptr, 0});
  std::vector<bool> live(ops.Length(), false);
  Napi::Array events = Napi::Array::New(env, ops.Length());
  for (uint32_t i = 0; i < ops.Length(); ++i) {
    const double op = ops.Get(i).ToNumber().DoubleValue();
    Napi::Object e = Napi::Object::New(env);
    if (op >= 0) {
      const uint64_t rawBefore = allocator.stats().rawAllocations;
      try {
        blocks[i] = allocator.acquire(static_cast<size_t>(op));
        live[i] = true;
        e.Set("capacity", static_cast<double>(blocks[i].capacity));
        e.Set("fresh", allocator.stats().rawAllocations > rawBefore);
        e.Set("address", static_cast<double>(reinterpret_cast<uintptr_t>(blocks[i].ptr)));
      } catch (const gpu::OutOfMemory& err) {
        e.Set("error", err.what());
      }
    } else {
      const size_t target = static_cast<size_t>(-op - 1);
      if (target >= i || !live[target])
        throw Napi::RangeError::New(env, "cudaAllocatorProbe: op " + std::to_string(i) + " releases a block that is not live");
      allocator.release(blocks[target]);
      live[target] = false;
      e.Set("released", static_cast<double>(target));
    }
    events.Set(i, e);
  }
  const auto& s = allocator.stats();
  Napi::Object stats = Napi::Object::New(env);
  stats.Set("bytesInUse", static_cast<double>(s.bytesInUse));
  stats.Set("blocksInUse", static_cast<double>(s.blocksInUse));
  stats.Set("bytesCached", static_cast<double>(s.bytesCached));
  stats.Set("blocksCached", static_cast<double>(s.blocksCached));
  stats.Set("acquires", static_cast<double>(s.acquires));
  stats.Set("rawAllocations", static_cast<double>(s.rawAllocations));
  stats.Set("trims", static_cast<double>(s.trims));
  stats.Set("rawBytesUsed", static_cast<double>(allocator.raw().used));
  Napi::Object o = Napi::Object::New(env);
  o.Set("events", events);
  o.Set("stats", stats);
  return o;
}

}  // namespace fedkern::binding
