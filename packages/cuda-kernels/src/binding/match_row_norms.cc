#include "../kernels/kernels.h"
#include "args.h"
#include "bindings.h"

namespace fedkern::binding {

/// localRealign(g: Float32Array[C·d], classes, dim, locals: Float32Array[K·C·d], clients,
///              masked: Uint8Array[K·C] | null, out: Float32Array[K·C·d], device: 'cpu' | 'cuda'): undefined
Napi::Value LocalRealign(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "localRealign";
  requireArgCount(info, fn, 8, "(g, classes, dim, locals, clients, masked, out, device)");
  Napi::Env env = info.Env();
  auto g = float32Arg(info, {fn, 0, "g"});
  const int32_t classes = sizeArg(info, {fn, 1, "classes"});
  const int32_t dim = sizeArg(info, {fn, 2, "dim"});
  auto locals = float32Arg(info, {fn, 3, "locals"});
  const int32_t clients = sizeArg(info, {fn, 4, "clients"});
  const uint8_t* masked = optionalUint8Arg(info, {fn, 5, "masked"}, static_cast<size_t>(clients) * classes);
  auto out = float32Arg(info, {fn, 6, "out"});
  const bool cuda = useCudaArg(info, {fn, 7, "device"});
  const size_t total = static_cast<size_t>(clients) * classes * dim;
  requireLength(env, {fn, 0, "g"}, g.ElementLength(), static_cast<size_t>(classes) * dim, "(classes × dim)");
  requireLength(env, {fn, 3, "locals"}, locals.ElementLength(), total, "(clients × classes × dim)");
  requireLength(env, {fn, 6, "out"}, out.ElementLength(), total, "(clients × classes × dim)");
  runKernel(env, fn,
            [&] { (cuda ? localRealignCuda : localRealignCpu)(g.Data(), classes, dim, locals.Data(), clients, masked, out.Data()); });
  return env.Undefined();
}

}  // namespace fedkern::binding
