// Binding of the native backend's multi-tensor SGD-momentum step (src/native/sgd.h).
#include "../native/sgd.h"

#include <string>
#include <vector>

#include "args.h"
#include "bindings.h"

namespace fedkern::binding {
namespace {

/// An Array of Float32Arrays (or null when `optional`), each checked by float32Arg's rules; empty vector for null.
std::vector<Napi::Float32Array> float32ListArg(const Napi::CallbackInfo& info, ArgRef ref, bool optional, bool* isNull) {
  const Napi::Value v = info[ref.index];
  *isNull = v.IsNull() || v.IsUndefined();
  if (*isNull && optional) return {};
  if (!v.IsArray())
    throw Napi::TypeError::New(info.Env(), "Expected an Array of Float32Array" + std::string(optional ? " or null" : "") +
                                               " for argument " + std::to_string(ref.index) + " of " + ref.label());
  const Napi::Array a = v.As<Napi::Array>();
  std::vector<Napi::Float32Array> out;
  out.reserve(a.Length());
  for (uint32_t i = 0; i < a.Length(); ++i) {
    const Napi::Value e = a.Get(i);
    if (!e.IsTypedArray() || e.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
      throw Napi::TypeError::New(info.Env(), "Expected a Float32Array at " + ref.label() + "[" + std::to_string(i) + "]");
    out.push_back(e.As<Napi::Float32Array>());
  }
  return out;
}

}  // namespace

/// sgdMomentumUpdate(ws: Float32Array[], gs: Float32Array[], vs: Float32Array[] | null, lr, momentum, weightDecay,
///                   wOuts: Float32Array[], vOuts: Float32Array[] | null): undefined
/// Tensor i: gs[i], vs[i], wOuts[i], vOuts[i] have the length of ws[i]. vs null = first step; vOuts is required when
/// momentum > 0 and must be null when momentum = 0 (then vs must be null too).
Napi::Value SgdMomentumUpdate(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "sgdMomentumUpdate";
  requireArgCount(info, fn, 8, "(ws, gs, vs, lr, momentum, weightDecay, wOuts, vOuts)");
  Napi::Env env = info.Env();
  bool unused = false, vsNull = false, vOutsNull = false;
  const auto ws = float32ListArg(info, {fn, 0, "ws"}, false, &unused);
  const auto gs = float32ListArg(info, {fn, 1, "gs"}, false, &unused);
  const auto vs = float32ListArg(info, {fn, 2, "vs"}, true, &vsNull);
  const double lr = numberArg(info, {fn, 3, "lr"});
  const double momentum = numberArg(info, {fn, 4, "momentum"});
  const double weightDecay = numberArg(info, {fn, 5, "weightDecay"});
  auto wOuts = float32ListArg(info, {fn, 6, "wOuts"}, false, &unused);
  auto vOuts = float32ListArg(info, {fn, 7, "vOuts"}, true, &vOutsNull);
  const size_t count = ws.size();
  auto requireCount = [&](const char* name, size_t n) {
    if (n != count)
      throw Napi::RangeError::New(
          env, std::string(fn) + ": " + name + " has " + std::to_string(n) + " tensors but ws has " + std::to_string(count));
  };
  requireCount("gs", gs.size());
  requireCount("wOuts", wOuts.size());
  if (momentum != 0) {
    if (vOutsNull) throw Napi::TypeError::New(env, std::string(fn) + ": vOuts is required when momentum > 0");
    requireCount("vOuts", vOuts.size());
    if (!vsNull) requireCount("vs", vs.size());
  } else if (!vOutsNull || !vsNull) {
    throw Napi::TypeError::New(env, std::string(fn) + ": vs and vOuts must be null when momentum is 0 (no velocity)");
  }
  for (size_t i = 0; i < count; ++i) {
    const size_t n = ws[i].ElementLength();
    const std::string at = "[" + std::to_string(i) + "]";
    requireLength(env, {fn, 1, "gs"}, gs[i].ElementLength(), n, ("(the length of ws" + at + ") at index " + std::to_string(i)).c_str());
    requireLength(env, {fn, 6, "wOuts"}, wOuts[i].ElementLength(), n,
                  ("(the length of ws" + at + ") at index " + std::to_string(i)).c_str());
    if (!vsNull)
      requireLength(env, {fn, 2, "vs"}, vs[i].ElementLength(), n, ("(the length of ws" + at + ") at index " + std::to_string(i)).c_str());
    if (!vOutsNull)
      requireLength(env, {fn, 7, "vOuts"}, vOuts[i].ElementLength(), n,
                    ("(the length of ws" + at + ") at index " + std::to_string(i)).c_str());
  }
  runKernel(env, fn, [&] {
    for (size_t i = 0; i < count; ++i) {
      native::sgdMomentumUpdate(ws[i].Data(), gs[i].Data(), vsNull ? nullptr : vs[i].Data(), static_cast<int64_t>(ws[i].ElementLength()),
                                static_cast<float>(lr), static_cast<float>(momentum), static_cast<float>(weightDecay), wOuts[i].Data(),
                                vOutsNull ? nullptr : vOuts[i].Data());
    }
  });
  return env.Undefined();
}

}  // namespace fedkern::binding
