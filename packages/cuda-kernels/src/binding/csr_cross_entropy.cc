#include <string>

#include "../matrix/matrix.h"
#include "args.h"
#include "bindings.h"

namespace fedkern::binding {

/// csrCrossEntropy(f: Float32Array[B·d], batch, s: Csr[C×d], bias: Float32Array[C] | null, labels: Int32Array[B],
///                 gradF: Float32Array[B·d], device: 'cpu' | 'cuda'): number (mean loss)
Napi::Value CsrCrossEntropy(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "csrCrossEntropy";
  requireArgCount(info, fn, 7, "(f, batch, s, bias, labels, gradF, device)");
  Napi::Env env = info.Env();
  auto f = float32Arg(info, {fn, 0, "f"});
  const int32_t batch = sizeArg(info, {fn, 1, "batch"});
  const CsrView s = csrArg(info, {fn, 2, "s"});
  const float* bias = optionalFloat32Arg(info, {fn, 3, "bias"}, static_cast<size_t>(s.rows));
  auto labels = int32Arg(info, {fn, 4, "labels"});
  auto gradF = float32Arg(info, {fn, 5, "gradF"});
  const bool cuda = useCudaArg(info, {fn, 6, "device"});
  requireLength(env, {fn, 0, "f"}, f.ElementLength(), static_cast<size_t>(batch) * s.cols, "(batch × s.cols)");
  requireLength(env, {fn, 4, "labels"}, labels.ElementLength(), static_cast<size_t>(batch), "(batch)");
  requireLength(env, {fn, 5, "gradF"}, gradF.ElementLength(), static_cast<size_t>(batch) * s.cols, "(batch × s.cols)");
  for (int32_t b = 0; b < batch; ++b)
    if (labels[b] < 0 || labels[b] >= s.rows)
      throw Napi::RangeError::New(env, std::string(fn) + "(labels): labels[" + std::to_string(b) + "] = " + std::to_string(labels[b]) +
                                           " is outside [0, " + std::to_string(s.rows) + ")");
  double loss = 0.0;
  runKernel(env, fn,
            [&] { loss = (cuda ? csrCrossEntropyCuda : csrCrossEntropyCpu)(f.Data(), batch, s, bias, labels.Data(), gradF.Data()); });
  return Napi::Number::New(env, loss);
}

}  // namespace fedkern::binding
