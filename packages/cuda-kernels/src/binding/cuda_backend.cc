// Bindings of the `cuda` tfjs backend (src/backend/cuda): device status, buffers named by integer handles, copies and
// kernel launches. Every handle is looked up and every buffer checked to hold what the shapes say before a launch,
// so a wrong call is a JS Error, never an out-of-bounds access; CUDA failures and out-of-memory become JS Errors too.
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "../cuda/device.h"
#include "args.h"
#include "bindings.h"

namespace fedkern::binding {
namespace {

using gpu::Handle;

/// A non-negative integer below 2^53 (sizes, counts, strides, offsets, handles).
int64_t integerArg(const Napi::CallbackInfo& info, ArgRef ref) {
  const Napi::Value v = info[ref.index];
  const double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : -1;
  if (!(d >= 0 && d <= 9007199254740991.0 && std::floor(d) == d))
    throw Napi::TypeError::New(info.Env(), "Expected a non-negative integer for " + ref.label());
  return static_cast<int64_t>(d);
}

Handle handleArg(const Napi::CallbackInfo& info, ArgRef ref) {
  const int64_t h = integerArg(info, ref);
  if (h == 0) throw Napi::TypeError::New(info.Env(), "Expected a device buffer handle (≥ 1) for " + ref.label());
  return static_cast<Handle>(h);
}

/// A JS array of non-negative integers with at most `maxLength` entries.
std::vector<int64_t> integerListArg(const Napi::CallbackInfo& info, ArgRef ref, size_t maxLength) {
  const Napi::Value v = info[ref.index];
  if (!v.IsArray()) throw Napi::TypeError::New(info.Env(), "Expected an array of integers for " + ref.label());
  const Napi::Array a = v.As<Napi::Array>();
  if (a.Length() > maxLength) throw Napi::RangeError::New(info.Env(), ref.label() + ": at most " + std::to_string(maxLength) + " entries");
  std::vector<int64_t> out(a.Length());
  for (uint32_t i = 0; i < a.Length(); ++i) {
    const Napi::Value e = a.Get(i);
    const double d = e.IsNumber() ? e.As<Napi::Number>().DoubleValue() : -1;
    if (!(d >= 0 && d <= 9007199254740991.0 && std::floor(d) == d))
      throw Napi::TypeError::New(info.Env(), ref.label() + "[" + std::to_string(i) + "] must be a non-negative integer");
    out[i] = static_cast<int64_t>(d);
  }
  return out;
}

int32_t enumArg(const Napi::CallbackInfo& info, ArgRef ref, int32_t count) {
  const int32_t v = sizeArg(info, ref);
  if (v >= count) throw Napi::RangeError::New(info.Env(), ref.label() + " must be below " + std::to_string(count));
  return v;
}

/// Device pointer of handle `ref`, which must hold `bytes`.
void* pointerArg(const Napi::CallbackInfo& info, ArgRef ref, int64_t bytes) {
  void* p = nullptr;
  runKernel(info.Env(), ref.fn, [&] { p = gpu::devicePointer(handleArg(info, ref), static_cast<size_t>(bytes), ref.label().c_str()); });
  return p;
}

Napi::Object statsObject(Napi::Env env, const gpu::DeviceMemoryStats& s) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("bytesInUse", static_cast<double>(s.allocator.bytesInUse));
  o.Set("blocksInUse", static_cast<double>(s.allocator.blocksInUse));
  o.Set("bytesCached", static_cast<double>(s.allocator.bytesCached));
  o.Set("blocksCached", static_cast<double>(s.allocator.blocksCached));
  o.Set("acquires", static_cast<double>(s.allocator.acquires));
  o.Set("rawAllocations", static_cast<double>(s.allocator.rawAllocations));
  o.Set("trims", static_cast<double>(s.allocator.trims));
  o.Set("liveHandles", static_cast<double>(s.liveHandles));
  return o;
}

/// Largest element offset a strided view reaches, +1 (0 for an empty shape).
int64_t extent(const std::vector<int64_t>& shape, const std::vector<int64_t>& strides, int64_t offset) {
  int64_t last = offset;
  for (size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] == 0) return 0;
    last += (shape[d] - 1) * strides[d];
  }
  return last + 1;
}

int64_t product(const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (int64_t s : shape) n *= s;
  return n;
}

void requireSameRank(Napi::Env env, const char* fn, const std::vector<int64_t>& shape,
                     std::initializer_list<const std::vector<int64_t>*> others) {
  for (const auto* o : others)
    if (o->size() != shape.size()) throw Napi::RangeError::New(env, std::string(fn) + ": shape and strides must have the same length");
}

}  // namespace

/// cudaDeviceStatus(): {compiled, available, reason, deviceName, computeCapability, totalMemoryBytes, tensorCores,
/// architectures, lost}. Never throws.
Napi::Value CudaDeviceStatus(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const gpu::DeviceStatus s = gpu::deviceStatus();
  Napi::Object o = Napi::Object::New(env);
  o.Set("compiled", s.compiled);
  o.Set("available", s.available);
  o.Set("reason", s.reason.empty() ? env.Null() : Napi::String::New(env, s.reason));
  o.Set("deviceName", s.deviceName);
  o.Set("computeCapability", s.computeMajor * 10 + s.computeMinor);
  o.Set("totalMemoryBytes", s.totalMemoryBytes);
  o.Set("tensorCores", s.tensorCores);
  o.Set("architectures", s.architectures);
  const std::string lost = gpu::lostReason();
  o.Set("lost", lost.empty() ? env.Null() : Napi::String::New(env, lost));
  return o;
}

/// cudaAlloc(bytes): handle of a new (uninitialised) device buffer.
Napi::Value CudaAlloc(const Napi::CallbackInfo& info) {
  requireArgCount(info, "cudaAlloc", 1, "(bytes)");
  const int64_t bytes = integerArg(info, {"cudaAlloc", 0, "bytes"});
  Handle h = 0;
  runKernel(info.Env(), "cudaAlloc", [&] { h = gpu::deviceAlloc(static_cast<size_t>(bytes)); });
  return Napi::Number::New(info.Env(), static_cast<double>(h));
}

/// cudaFree(handle)
Napi::Value CudaFree(const Napi::CallbackInfo& info) {
  requireArgCount(info, "cudaFree", 1, "(handle)");
  const Handle h = handleArg(info, {"cudaFree", 0, "handle"});
  runKernel(info.Env(), "cudaFree", [&] { gpu::deviceFree(h); });
  return info.Env().Undefined();
}

/// cudaUpload(handle, typedArray): copies the array's bytes to the start of the buffer.
Napi::Value CudaUpload(const Napi::CallbackInfo& info) {
  requireArgCount(info, "cudaUpload", 2, "(handle, values)");
  const Handle h = handleArg(info, {"cudaUpload", 0, "handle"});
  if (!info[1].IsTypedArray()) throw Napi::TypeError::New(info.Env(), "cudaUpload(values): expected a TypedArray");
  const auto a = info[1].As<Napi::TypedArray>();
  const auto* src = static_cast<const uint8_t*>(a.ArrayBuffer().Data()) + a.ByteOffset();
  runKernel(info.Env(), "cudaUpload", [&] { gpu::deviceUpload(h, src, a.ByteLength()); });
  return info.Env().Undefined();
}

/// cudaDownload(handle, typedArray): fills the array from the start of the buffer (after all queued work).
Napi::Value CudaDownload(const Napi::CallbackInfo& info) {
  requireArgCount(info, "cudaDownload", 2, "(handle, out)");
  const Handle h = handleArg(info, {"cudaDownload", 0, "handle"});
  if (!info[1].IsTypedArray()) throw Napi::TypeError::New(info.Env(), "cudaDownload(out): expected a TypedArray");
  const auto a = info[1].As<Napi::TypedArray>();
  auto* dst = static_cast<uint8_t*>(a.ArrayBuffer().Data()) + a.ByteOffset();
  runKernel(info.Env(), "cudaDownload", [&] { gpu::deviceDownload(h, dst, a.ByteLength()); });
  return info.Env().Undefined();
}

/// cudaMemoryStats(): the caching allocator's counters and the live handle count.
Napi::Value CudaMemoryStats(const Napi::CallbackInfo& info) {
  gpu::DeviceMemoryStats s;
  runKernel(info.Env(), "cudaMemoryStats", [&] { s = gpu::deviceMemoryStats(); });
  return statsObject(info.Env(), s);
}

/// cudaTrim(): frees the allocator's cached blocks.
Napi::Value CudaTrim(const Napi::CallbackInfo& info) {
  runKernel(info.Env(), "cudaTrim", [] { gpu::deviceTrim(); });
  return info.Env().Undefined();
}

/// cudaSynchronize(): waits for queued work; throws the first asynchronous kernel error.
Napi::Value CudaSynchronize(const Napi::CallbackInfo& info) {
  runKernel(info.Env(), "cudaSynchronize", [] { gpu::synchronize(); });
  return info.Env().Undefined();
}

/// cudaSetTf32(enabled): TF32 tensor cores for GEMM / convolution (sm_80+). Returns the previous setting.
Napi::Value CudaSetTf32(const Napi::CallbackInfo& info) {
  requireArgCount(info, "cudaSetTf32", 1, "(enabled)");
  const bool enabled = info[0].ToBoolean().Value();
  bool previous = false;
  runKernel(info.Env(), "cudaSetTf32", [&] {
    previous = gpu::tf32Enabled();
    gpu::setTf32(enabled);
  });
  return Napi::Boolean::New(info.Env(), previous);
}

/// cudaUnary(op, x, y, n, alpha, beta)
Napi::Value CudaUnary(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "cudaUnary";
  requireArgCount(info, fn, 6, "(op, x, y, n, alpha, beta)");
  const auto op = static_cast<gpu::UnaryOp>(enumArg(info, {fn, 0, "op"}, static_cast<int32_t>(gpu::UnaryOp::kCount)));
  const int64_t n = integerArg(info, {fn, 3, "n"});
  const auto* x = static_cast<const float*>(pointerArg(info, {fn, 1, "x"}, n * 4));
  auto* y = static_cast<float*>(pointerArg(info, {fn, 2, "y"}, n * 4));
  const float alpha = static_cast<float>(numberArg(info, {fn, 4, "alpha"}));
  const float beta = static_cast<float>(numberArg(info, {fn, 5, "beta"}));
  runKernel(info.Env(), fn, [&] { gpu::launchUnary(op, x, y, n, alpha, beta); });
  return info.Env().Undefined();
}

/// cudaBinary(op, a, b, out, shape, aStrides, bStrides): out (shape, dense) = op(a, b) with element strides of a
/// and b per output dimension (0 broadcasts). Comparison ops write one byte per element.
Napi::Value CudaBinary(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "cudaBinary";
  requireArgCount(info, fn, 7, "(op, a, b, out, shape, aStrides, bStrides)");
  Napi::Env env = info.Env();
  const auto op = static_cast<gpu::BinaryOp>(enumArg(info, {fn, 0, "op"}, static_cast<int32_t>(gpu::BinaryOp::kCount)));
  const auto shape = integerListArg(info, {fn, 4, "shape"}, gpu::kMaxRank);
  const auto as = integerListArg(info, {fn, 5, "aStrides"}, gpu::kMaxRank);
  const auto bs = integerListArg(info, {fn, 6, "bStrides"}, gpu::kMaxRank);
  requireSameRank(env, fn, shape, {&as, &bs});
  const int64_t n = product(shape);
  const auto* a = static_cast<const float*>(pointerArg(info, {fn, 1, "a"}, extent(shape, as, 0) * 4));
  const auto* b = static_cast<const float*>(pointerArg(info, {fn, 2, "b"}, extent(shape, bs, 0) * 4));
  void* out = pointerArg(info, {fn, 3, "out"}, n * (gpu::isComparison(op) ? 1 : 4));
  gpu::BroadcastGeometry g{};
  g.rank = static_cast<int32_t>(shape.size());
  for (size_t d = 0; d < shape.size(); ++d) {
    g.shape[d] = shape[d];
    g.aStride[d] = as[d];
    g.bStride[d] = bs[d];
  }
  runKernel(env, fn, [&] { gpu::launchBinary(op, a, b, out, g); });
  return env.Undefined();
}

/// cudaStridedCopy(x, y, elementBytes, shape, xStrides, yStrides, xOffset, yOffset)
Napi::Value CudaStridedCopy(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "cudaStridedCopy";
  requireArgCount(info, fn, 8, "(x, y, elementBytes, shape, xStrides, yStrides, xOffset, yOffset)");
  Napi::Env env = info.Env();
  const int32_t elementBytes = sizeArg(info, {fn, 2, "elementBytes"});
  if (elementBytes != 1 && elementBytes != 4) throw Napi::RangeError::New(env, "cudaStridedCopy: elementBytes must be 1 or 4");
  const auto shape = integerListArg(info, {fn, 3, "shape"}, gpu::kMaxRank);
  const auto xs = integerListArg(info, {fn, 4, "xStrides"}, gpu::kMaxRank);
  const auto ys = integerListArg(info, {fn, 5, "yStrides"}, gpu::kMaxRank);
  requireSameRank(env, fn, shape, {&xs, &ys});
  const int64_t xOffset = integerArg(info, {fn, 6, "xOffset"});
  const int64_t yOffset = integerArg(info, {fn, 7, "yOffset"});
  const void* x = pointerArg(info, {fn, 0, "x"}, extent(shape, xs, xOffset) * elementBytes);
  void* y = pointerArg(info, {fn, 1, "y"}, extent(shape, ys, yOffset) * elementBytes);
  gpu::StridedCopy s{};
  s.rank = static_cast<int32_t>(shape.size());
  for (size_t d = 0; d < shape.size(); ++d) {
    s.shape[d] = shape[d];
    s.xStride[d] = xs[d];
    s.yStride[d] = ys[d];
  }
  s.xOffset = xOffset;
  s.yOffset = yOffset;
  runKernel(env, fn, [&] { gpu::launchStridedCopy(x, y, s, elementBytes); });
  return env.Undefined();
}

/// cudaFill(y, n, bits): n 32-bit elements set to `bits` (a float32's or int32's bit pattern).
Napi::Value CudaFill(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "cudaFill";
  requireArgCount(info, fn, 3, "(y, n, bits)");
  const int64_t n = integerArg(info, {fn, 1, "n"});
  const int64_t bits = integerArg(info, {fn, 2, "bits"});
  if (bits > 0xffffffffLL) throw Napi::RangeError::New(info.Env(), "cudaFill(bits): expected a uint32");
  void* y = pointerArg(info, {fn, 0, "y"}, n * 4);
  runKernel(info.Env(), fn, [&] { gpu::launchFill(y, n, static_cast<uint32_t>(bits)); });
  return info.Env().Undefined();
}

/// cudaCast(x, fromType, y, toType, n): types 0 = float32, 1 = int32, 2 = bool (uint8).
Napi::Value CudaCast(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "cudaCast";
  requireArgCount(info, fn, 5, "(x, fromType, y, toType, n)");
  const int32_t from = enumArg(info, {fn, 1, "fromType"}, 3);
  const int32_t to = enumArg(info, {fn, 3, "toType"}, 3);
  const int64_t n = integerArg(info, {fn, 4, "n"});
  const void* x = pointerArg(info, {fn, 0, "x"}, n * (from == 2 ? 1 : 4));
  void* y = pointerArg(info, {fn, 2, "y"}, n * (to == 2 ? 1 : 4));
  runKernel(info.Env(), fn, [&] { gpu::launchCast(x, from, y, to, n); });
  return info.Env().Undefined();
}

/// cudaReduce(op, x, y, outer, inner)
Napi::Value CudaReduce(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "cudaReduce";
  requireArgCount(info, fn, 5, "(op, x, y, outer, inner)");
  const auto op = static_cast<gpu::ReduceOp>(enumArg(info, {fn, 0, "op"}, static_cast<int32_t>(gpu::ReduceOp::kCount)));
  const int64_t outer = integerArg(info, {fn, 3, "outer"});
  const int64_t inner = integerArg(info, {fn, 4, "inner"});
  const auto* x = static_cast<const float*>(pointerArg(info, {fn, 1, "x"}, outer * inner * 4));
  auto* y = static_cast<float*>(pointerArg(info, {fn, 2, "y"}, outer * 4));
  runKernel(info.Env(), fn, [&] { gpu::launchReduce(op, x, y, outer, inner); });
  return info.Env().Undefined();
}

/// cudaBatchMatMul(a, b, c, batch, m, n, k, transposeA, transposeB, aBatchStride, bBatchStride)
Napi::Value CudaBatchMatMul(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "cudaBatchMatMul";
  requireArgCount(info, fn, 11, "(a, b, c, batch, m, n, k, transposeA, transposeB, aBatchStride, bBatchStride)");
  const int64_t batch = integerArg(info, {fn, 3, "batch"});
  const int64_t m = integerArg(info, {fn, 4, "m"});
  const int64_t n = integerArg(info, {fn, 5, "n"});
  const int64_t k = integerArg(info, {fn, 6, "k"});
  const bool ta = info[7].ToBoolean().Value();
  const bool tb = info[8].ToBoolean().Value();
  const int64_t aStride = integerArg(info, {fn, 9, "aBatchStride"});
  const int64_t bStride = integerArg(info, {fn, 10, "bBatchStride"});
  const int64_t last = batch > 0 ? batch - 1 : 0;
  const auto* a = static_cast<const float*>(pointerArg(info, {fn, 0, "a"}, (last * aStride + m * k) * 4));
  const auto* b = static_cast<const float*>(pointerArg(info, {fn, 1, "b"}, (last * bStride + k * n) * 4));
  auto* c = static_cast<float*>(pointerArg(info, {fn, 2, "c"}, batch * m * n * 4));
  runKernel(info.Env(), fn, [&] { gpu::launchBatchMatMul(a, b, c, batch, m, n, k, ta, tb, aStride, bStride); });
  return info.Env().Undefined();
}

namespace {

/// The 15 integers of a ConvGeometry, in declaration order (see geometry.h), checked for sense.
gpu::ConvGeometry convGeometryArg(const Napi::CallbackInfo& info, ArgRef ref) {
  const auto v = integerListArg(info, ref, 15);
  if (v.size() != 15)
    throw Napi::RangeError::New(info.Env(), ref.label() +
                                                ": expected 15 integers [batch, inH, inW, inC, outH, outW, "
                                                "outC, filterH, filterW, strideH, strideW, dilationH, dilationW, padTop, padLeft]");
  for (size_t i = 0; i < 15; ++i)
    if (v[i] > std::numeric_limits<int32_t>::max()) throw Napi::RangeError::New(info.Env(), ref.label() + ": entries must fit int32");
  gpu::ConvGeometry g{};
  int32_t* fields[] = {&g.batch,   &g.inH,     &g.inW,     &g.inC,       &g.outH,      &g.outW,   &g.outC,   &g.filterH,
                       &g.filterW, &g.strideH, &g.strideW, &g.dilationH, &g.dilationW, &g.padTop, &g.padLeft};
  for (size_t i = 0; i < 15; ++i) *fields[i] = static_cast<int32_t>(v[i]);
  if (g.strideH < 1 || g.strideW < 1 || g.dilationH < 1 || g.dilationW < 1 || g.inC < 1 || g.outC < 1 || g.filterH < 1 || g.filterW < 1)
    throw Napi::RangeError::New(info.Env(), ref.label() + ": strides, dilations, channels and filter sizes must be ≥ 1");
  return g;
}

gpu::PoolGeometry poolGeometryArg(const Napi::CallbackInfo& info, ArgRef ref) {
  const auto v = integerListArg(info, ref, 14);
  if (v.size() != 14)
    throw Napi::RangeError::New(info.Env(), ref.label() +
                                                ": expected 14 integers [batch, inH, inW, channels, outH, "
                                                "outW, filterH, filterW, strideH, strideW, dilationH, dilationW, padTop, padLeft]");
  gpu::PoolGeometry g{};
  int32_t* fields[] = {&g.batch,   &g.inH,     &g.inW,     &g.channels,  &g.outH,      &g.outW,   &g.filterH,
                       &g.filterW, &g.strideH, &g.strideW, &g.dilationH, &g.dilationW, &g.padTop, &g.padLeft};
  for (size_t i = 0; i < 14; ++i) {
    if (v[i] > std::numeric_limits<int32_t>::max()) throw Napi::RangeError::New(info.Env(), ref.label() + ": entries must fit int32");
    *fields[i] = static_cast<int32_t>(v[i]);
  }
  if (g.strideH < 1 || g.strideW < 1 || g.dilationH < 1 || g.dilationW < 1 || g.channels < 1)
    throw Napi::RangeError::New(info.Env(), ref.label() + ": strides, dilations and channels must be ≥ 1");
  return g;
}

}  // namespace

/// cudaConv2d(kind, geometry, in0, in1, out): kind 0 forward (x, w → y), 1 backward data (dy, w → dx),
/// 2 backward filter (x, dy → dw).
Napi::Value CudaConv2d(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "cudaConv2d";
  requireArgCount(info, fn, 5, "(kind, geometry, in0, in1, out)");
  const int32_t kind = enumArg(info, {fn, 0, "kind"}, 3);
  const gpu::ConvGeometry g = convGeometryArg(info, {fn, 1, "geometry"});
  const int64_t xBytes = int64_t{g.batch} * g.inH * g.inW * g.inC * 4;
  const int64_t yBytes = int64_t{g.batch} * g.outH * g.outW * g.outC * 4;
  const int64_t wBytes = int64_t{g.filterH} * g.filterW * g.inC * g.outC * 4;
  const int64_t sizes[3][3] = {{xBytes, wBytes, yBytes}, {yBytes, wBytes, xBytes}, {xBytes, yBytes, wBytes}};
  const auto* in0 = static_cast<const float*>(pointerArg(info, {fn, 2, "in0"}, sizes[kind][0]));
  const auto* in1 = static_cast<const float*>(pointerArg(info, {fn, 3, "in1"}, sizes[kind][1]));
  auto* out = static_cast<float*>(pointerArg(info, {fn, 4, "out"}, sizes[kind][2]));
  runKernel(info.Env(), fn, [&] {
    if (kind == 0)
      gpu::launchConvForward(g, in0, in1, out);
    else if (kind == 1)
      gpu::launchConvBackwardData(g, in0, in1, out);
    else
      gpu::launchConvBackwardFilter(g, in0, in1, out);
  });
  return info.Env().Undefined();
}

/// cudaMaxPool(geometry, x, y) and cudaMaxPoolGrad(geometry, x, dy, dx).
Napi::Value CudaMaxPool(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "cudaMaxPool";
  requireArgCount(info, fn, 3, "(geometry, x, y)");
  const gpu::PoolGeometry g = poolGeometryArg(info, {fn, 0, "geometry"});
  const auto* x = static_cast<const float*>(pointerArg(info, {fn, 1, "x"}, int64_t{g.batch} * g.inH * g.inW * g.channels * 4));
  auto* y = static_cast<float*>(pointerArg(info, {fn, 2, "y"}, int64_t{g.batch} * g.outH * g.outW * g.channels * 4));
  runKernel(info.Env(), fn, [&] { gpu::launchMaxPool(g, x, y); });
  return info.Env().Undefined();
}

Napi::Value CudaMaxPoolGrad(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "cudaMaxPoolGrad";
  requireArgCount(info, fn, 4, "(geometry, x, dy, dx)");
  const gpu::PoolGeometry g = poolGeometryArg(info, {fn, 0, "geometry"});
  const int64_t inBytes = int64_t{g.batch} * g.inH * g.inW * g.channels * 4;
  const auto* x = static_cast<const float*>(pointerArg(info, {fn, 1, "x"}, inBytes));
  const auto* dy = static_cast<const float*>(pointerArg(info, {fn, 2, "dy"}, int64_t{g.batch} * g.outH * g.outW * g.channels * 4));
  auto* dx = static_cast<float*>(pointerArg(info, {fn, 3, "dx"}, inBytes));
  runKernel(info.Env(), fn, [&] { gpu::launchMaxPoolGrad(g, x, dy, dx); });
  return info.Env().Undefined();
}

/// cudaSgdUpdate(w, g, v | null, n, lr, momentum, nesterov): in place on w (and v).
Napi::Value CudaSgdUpdate(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "cudaSgdUpdate";
  requireArgCount(info, fn, 7, "(w, g, v, n, lr, momentum, nesterov)");
  const int64_t n = integerArg(info, {fn, 3, "n"});
  auto* w = static_cast<float*>(pointerArg(info, {fn, 0, "w"}, n * 4));
  const auto* g = static_cast<const float*>(pointerArg(info, {fn, 1, "g"}, n * 4));
  float* v = info[2].IsNull() || info[2].IsUndefined() ? nullptr : static_cast<float*>(pointerArg(info, {fn, 2, "v"}, n * 4));
  const float lr = static_cast<float>(numberArg(info, {fn, 4, "lr"}));
  const float momentum = static_cast<float>(numberArg(info, {fn, 5, "momentum"}));
  if (momentum != 0.0f && v == nullptr) throw Napi::TypeError::New(info.Env(), "cudaSgdUpdate: momentum needs a velocity buffer v");
  const bool nesterov = info[6].ToBoolean().Value();
  runKernel(info.Env(), fn, [&] { gpu::launchSgdUpdate(w, g, v, n, lr, momentum, nesterov); });
  return info.Env().Undefined();
}

}  // namespace fedkern::binding
