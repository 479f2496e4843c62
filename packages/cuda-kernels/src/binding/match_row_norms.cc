#include "../matrix/matrix.h"
#include "args.h"
#include "bindings.h"

namespace fedkern::binding {

/// matchRowNorms(g: Float32Array[C·d], classes, dim, locals: Float32Array[K·C·d], clients,
///               masked: Uint8Array[K·C] | null, maskedValue, out: Float32Array[K·C·d], device: 'cpu' | 'cuda'): undefined
Napi::Value MatchRowNorms(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "matchRowNorms";
  requireArgCount(info, fn, 9, "(g, classes, dim, locals, clients, masked, maskedValue, out, device)");
  Napi::Env env = info.Env();
  auto g = float32Arg(info, {fn, 0, "g"});
  const int32_t classes = sizeArg(info, {fn, 1, "classes"});
  const int32_t dim = sizeArg(info, {fn, 2, "dim"});
  auto locals = float32Arg(info, {fn, 3, "locals"});
  const int32_t clients = sizeArg(info, {fn, 4, "clients"});
  const uint8_t* masked = optionalUint8Arg(info, {fn, 5, "masked"}, static_cast<size_t>(clients) * classes);
  const float maskedValue = static_cast<float>(numberArg(info, {fn, 6, "maskedValue"}));
  auto out = float32Arg(info, {fn, 7, "out"});
  const bool cuda = useCudaArg(info, {fn, 8, "device"});
  const size_t total = static_cast<size_t>(clients) * classes * dim;
  requireLength(env, {fn, 0, "g"}, g.ElementLength(), static_cast<size_t>(classes) * dim, "(classes × dim)");
  requireLength(env, {fn, 3, "locals"}, locals.ElementLength(), total, "(clients × classes × dim)");
  requireLength(env, {fn, 7, "out"}, out.ElementLength(), total, "(clients × classes × dim)");
  runKernel(env, fn, [&] {
    (cuda ? matchRowNormsCuda : matchRowNormsCpu)(g.Data(), classes, dim, locals.Data(), clients, masked, maskedValue, out.Data());
  });
  return env.Undefined();
}

}  // namespace fedkern::binding
