// Bindings of the native backend's fused training-mode batch normalisation (src/native/batch_norm.h).
#include "../native/batch_norm.h"

#include "args.h"
#include "bindings.h"

namespace fedkern::binding {

/// batchNormTrainForward(x: Float32Array[m·c], m, c, gamma: Float32Array[c], beta: Float32Array[c], eps,
///                       y: Float32Array[m·c], mean: Float32Array[c], variance: Float32Array[c]): undefined
Napi::Value BatchNormTrainForward(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "batchNormTrainForward";
  requireArgCount(info, fn, 9, "(x, m, c, gamma, beta, eps, y, mean, variance)");
  Napi::Env env = info.Env();
  auto x = float32Arg(info, {fn, 0, "x"});
  const int64_t m = sizeArg(info, {fn, 1, "m"});
  const int64_t c = sizeArg(info, {fn, 2, "c"});
  auto gamma = float32Arg(info, {fn, 3, "gamma"});
  auto beta = float32Arg(info, {fn, 4, "beta"});
  const double eps = numberArg(info, {fn, 5, "eps"});
  auto y = float32Arg(info, {fn, 6, "y"});
  auto mean = float32Arg(info, {fn, 7, "mean"});
  auto variance = float32Arg(info, {fn, 8, "variance"});
  if (m < 1) throw Napi::RangeError::New(env, std::string(fn) + ": m must be at least 1 (a batch of no rows has no statistics)");
  if (!(eps >= 0)) throw Napi::RangeError::New(env, std::string(fn) + ": eps must be >= 0");
  const size_t n = static_cast<size_t>(m) * static_cast<size_t>(c);
  requireLength(env, {fn, 0, "x"}, x.ElementLength(), n, "(m × c)");
  requireLength(env, {fn, 3, "gamma"}, gamma.ElementLength(), c, "(c)");
  requireLength(env, {fn, 4, "beta"}, beta.ElementLength(), c, "(c)");
  requireLength(env, {fn, 6, "y"}, y.ElementLength(), n, "(m × c)");
  requireLength(env, {fn, 7, "mean"}, mean.ElementLength(), c, "(c)");
  requireLength(env, {fn, 8, "variance"}, variance.ElementLength(), c, "(c)");
  runKernel(env, fn, [&] {
    native::batchNormTrainForward(x.Data(), m, c, gamma.Data(), beta.Data(), static_cast<float>(eps), y.Data(), mean.Data(),
                                  variance.Data());
  });
  return env.Undefined();
}

/// batchNormTrainBackward(dy: Float32Array[m·c], x: Float32Array[m·c], m, c, gamma, mean, variance: Float32Array[c],
///                        eps, dx: Float32Array[m·c], dGamma: Float32Array[c], dBeta: Float32Array[c]): undefined
Napi::Value BatchNormTrainBackward(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "batchNormTrainBackward";
  requireArgCount(info, fn, 11, "(dy, x, m, c, gamma, mean, variance, eps, dx, dGamma, dBeta)");
  Napi::Env env = info.Env();
  auto dy = float32Arg(info, {fn, 0, "dy"});
  auto x = float32Arg(info, {fn, 1, "x"});
  const int64_t m = sizeArg(info, {fn, 2, "m"});
  const int64_t c = sizeArg(info, {fn, 3, "c"});
  auto gamma = float32Arg(info, {fn, 4, "gamma"});
  auto mean = float32Arg(info, {fn, 5, "mean"});
  auto variance = float32Arg(info, {fn, 6, "variance"});
  const double eps = numberArg(info, {fn, 7, "eps"});
  auto dx = float32Arg(info, {fn, 8, "dx"});
  auto dGamma = float32Arg(info, {fn, 9, "dGamma"});
  auto dBeta = float32Arg(info, {fn, 10, "dBeta"});
  if (m < 1) throw Napi::RangeError::New(env, std::string(fn) + ": m must be at least 1");
  if (!(eps >= 0)) throw Napi::RangeError::New(env, std::string(fn) + ": eps must be >= 0");
  const size_t n = static_cast<size_t>(m) * static_cast<size_t>(c);
  requireLength(env, {fn, 0, "dy"}, dy.ElementLength(), n, "(m × c)");
  requireLength(env, {fn, 1, "x"}, x.ElementLength(), n, "(m × c)");
  requireLength(env, {fn, 4, "gamma"}, gamma.ElementLength(), c, "(c)");
  requireLength(env, {fn, 5, "mean"}, mean.ElementLength(), c, "(c)");
  requireLength(env, {fn, 6, "variance"}, variance.ElementLength(), c, "(c)");
  requireLength(env, {fn, 8, "dx"}, dx.ElementLength(), n, "(m × c)");
  requireLength(env, {fn, 9, "dGamma"}, dGamma.ElementLength(), c, "(c)");
  requireLength(env, {fn, 10, "dBeta"}, dBeta.ElementLength(), c, "(c)");
  runKernel(env, fn, [&] {
    native::batchNormTrainBackward(dy.Data(), x.Data(), m, c, gamma.Data(), mean.Data(), variance.Data(), static_cast<float>(eps),
                                   dx.Data(), dGamma.Data(), dBeta.Data());
  });
  return env.Undefined();
}

}  // namespace fedkern::binding
