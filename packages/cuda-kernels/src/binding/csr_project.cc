#include "../matrix/matrix.h"
#include "args.h"
#include "bindings.h"

namespace fedkern::binding {

/// csrProjectForward(f: Float32Array[B·d], batch, s: Csr[C×d], bias: Float32Array[C] | null,
///                   out: Float32Array[B·C], device: 'cpu' | 'cuda'): undefined
Napi::Value CsrProjectForward(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "csrProjectForward";
  requireArgCount(info, fn, 6, "(f, batch, s, bias, out, device)");
  Napi::Env env = info.Env();
  auto f = float32Arg(info, {fn, 0, "f"});
  const int32_t batch = sizeArg(info, {fn, 1, "batch"});
  const CsrView s = csrArg(info, {fn, 2, "s"});
  const float* bias = optionalFloat32Arg(info, {fn, 3, "bias"}, static_cast<size_t>(s.rows));
  auto out = float32Arg(info, {fn, 4, "out"});
  const bool cuda = useCudaArg(info, {fn, 5, "device"});
  requireLength(env, {fn, 0, "f"}, f.ElementLength(), static_cast<size_t>(batch) * s.cols, "(batch × s.cols)");
  requireLength(env, {fn, 4, "out"}, out.ElementLength(), static_cast<size_t>(batch) * s.rows, "(batch × s.rows)");
  runKernel(env, fn, [&] { (cuda ? csrProjectForwardCuda : csrProjectForwardCpu)(f.Data(), batch, s, bias, out.Data()); });
  return env.Undefined();
}

/// csrProjectBackward(gradLogits: Float32Array[B·C], batch, s: Csr[C×d], out: Float32Array[B·d],
///                    device: 'cpu' | 'cuda'): undefined
Napi::Value CsrProjectBackward(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "csrProjectBackward";
  requireArgCount(info, fn, 5, "(gradLogits, batch, s, out, device)");
  Napi::Env env = info.Env();
  auto g = float32Arg(info, {fn, 0, "gradLogits"});
  const int32_t batch = sizeArg(info, {fn, 1, "batch"});
  const CsrView s = csrArg(info, {fn, 2, "s"});
  auto out = float32Arg(info, {fn, 3, "out"});
  const bool cuda = useCudaArg(info, {fn, 4, "device"});
  requireLength(env, {fn, 0, "gradLogits"}, g.ElementLength(), static_cast<size_t>(batch) * s.rows, "(batch × s.rows)");
  requireLength(env, {fn, 3, "out"}, out.ElementLength(), static_cast<size_t>(batch) * s.cols, "(batch × s.cols)");
  runKernel(env, fn, [&] { (cuda ? csrProjectBackwardCuda : csrProjectBackwardCpu)(g.Data(), batch, s, out.Data()); });
  return env.Undefined();
}

}  // namespace fedkern::binding
