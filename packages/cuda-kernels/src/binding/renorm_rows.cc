#include "../matrix/matrix.h"
#include "args.h"
#include "bindings.h"

namespace fedkern::binding {

/// renormRows(w: Float32Array[rows·cols], rows, cols, scale, out: Float32Array[rows·cols] (may be w),
///            device: 'cpu' | 'cuda'): undefined
Napi::Value RenormRows(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "renormRows";
  requireArgCount(info, fn, 6, "(w, rows, cols, scale, out, device)");
  Napi::Env env = info.Env();
  auto w = float32Arg(info, {fn, 0, "w"});
  const int32_t rows = sizeArg(info, {fn, 1, "rows"});
  const int32_t cols = sizeArg(info, {fn, 2, "cols"});
  const float scale = static_cast<float>(numberArg(info, {fn, 3, "scale"}));
  auto out = float32Arg(info, {fn, 4, "out"});
  const bool cuda = useCudaArg(info, {fn, 5, "device"});
  const size_t n = static_cast<size_t>(rows) * cols;
  requireLength(env, {fn, 0, "w"}, w.ElementLength(), n, "(rows × cols)");
  requireLength(env, {fn, 4, "out"}, out.ElementLength(), n, "(rows × cols)");
  runKernel(env, fn, [&] { (cuda ? renormRowsCuda : renormRowsCpu)(w.Data(), rows, cols, scale, out.Data()); });
  return env.Undefined();
}

}  // namespace fedkern::binding
