// Binding of the native backend's batched matmul (src/native/dnnl_matmul.h).
#include "../native/dnnl_matmul.h"

#include "args.h"
#include "bindings.h"

namespace fedkern::binding {

namespace {

bool booleanArg(const Napi::CallbackInfo& info, ArgRef ref) {
  const Napi::Value v = info[ref.index];
  if (!v.IsBoolean()) throw Napi::TypeError::New(info.Env(), "Expected a boolean for " + ref.label());
  return v.As<Napi::Boolean>().Value();
}

}  // namespace

/// batchMatMul(a: Float32Array, b: Float32Array, batchA, batchB, m, k, n, transposeA: boolean, transposeB: boolean,
///             c: Float32Array[max(batchA, batchB)·m·n]): undefined. a is [batchA, m, k] ([batchA, k, m] when
///             transposeA), b is [batchB, k, n] ([batchB, n, k] when transposeB); a batch of 1 is broadcast.
Napi::Value BatchMatMul(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "batchMatMul";
  requireArgCount(info, fn, 10, "(a, b, batchA, batchB, m, k, n, transposeA, transposeB, c)");
  Napi::Env env = info.Env();
  auto a = float32Arg(info, {fn, 0, "a"});
  auto b = float32Arg(info, {fn, 1, "b"});
  native::MatMulGeometry g{sizeArg(info, {fn, 2, "batchA"}),
                           sizeArg(info, {fn, 3, "batchB"}),
                           sizeArg(info, {fn, 4, "m"}),
                           sizeArg(info, {fn, 5, "k"}),
                           sizeArg(info, {fn, 6, "n"}),
                           booleanArg(info, {fn, 7, "transposeA"}),
                           booleanArg(info, {fn, 8, "transposeB"})};
  auto c = float32Arg(info, {fn, 9, "c"});
  const std::string error = native::matMulGeometryError(g);
  if (!error.empty()) throw Napi::RangeError::New(env, std::string(fn) + ": " + error);
  requireLength(env, {fn, 0, "a"}, a.ElementLength(), static_cast<size_t>(g.sizeA()), "(batchA × m × k)");
  requireLength(env, {fn, 1, "b"}, b.ElementLength(), static_cast<size_t>(g.sizeB()), "(batchB × k × n)");
  requireLength(env, {fn, 9, "c"}, c.ElementLength(), static_cast<size_t>(g.sizeC()), "(max(batchA, batchB) × m × n)");
  runKernel(env, fn, [&] { native::batchMatMul(g, a.Data(), b.Data(), c.Data()); });
  return env.Undefined();
}

}  // namespace fedkern::binding
