// Bindings of the native backend's reductions and softmax (src/native/reduce.h).
#include "../native/reduce.h"

#include <algorithm>

#include "args.h"
#include "bindings.h"
#include "tensor_args.h"

namespace fedkern::binding {

using native::ReduceOp;

/// reduceF32(op, x: Float32Array, shape, axes, out: Float32Array[product of the kept dims]): op ∈ sum, mean, max,
/// min over the listed axes (distinct, non-negative).
Napi::Value ReduceF32(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "reduceF32";
  requireArgCount(info, fn, 5, "(op, x, shape, axes, out)");
  Napi::Env env = info.Env();
  const ReduceOp op = opArg<ReduceOp>(info, {fn, 0, "op"},
                                      {{"sum", ReduceOp::Sum}, {"mean", ReduceOp::Mean}, {"max", ReduceOp::Max}, {"min", ReduceOp::Min}});
  auto x = float32Arg(info, {fn, 1, "x"});
  const native::Shape shape = shapeArg(info, {fn, 2, "shape"});
  const std::vector<int> axes = axesArg(info, {fn, 3, "axes"}, shape.size());
  auto out = float32Arg(info, {fn, 4, "out"});
  requireShapeLength(env, {fn, 1, "x"}, x.ElementLength(), shape);
  native::Shape kept;
  for (size_t j = 0; j < shape.size(); ++j)
    if (std::find(axes.begin(), axes.end(), static_cast<int>(j)) == axes.end()) kept.push_back(shape[j]);
  requireShapeLength(env, {fn, 4, "out"}, out.ElementLength(), kept);
  runKernel(env, fn, [&] { native::reduceF32(op, x.Data(), shape, axes, out.Data()); });
  return env.Undefined();
}

/// argReduceF32(op: 'max' | 'min', x: Float32Array[outer·axisSize·inner], outer, axisSize ≥ 1, inner,
///              out: Int32Array[outer·inner]).
Napi::Value ArgReduceF32(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "argReduceF32";
  requireArgCount(info, fn, 6, "(op, x, outer, axisSize, inner, out)");
  Napi::Env env = info.Env();
  const bool isMax = opArg<bool>(info, {fn, 0, "op"}, {{"max", true}, {"min", false}});
  auto x = float32Arg(info, {fn, 1, "x"});
  const int64_t outer = sizeArg(info, {fn, 2, "outer"});
  const int64_t axisSize = sizeArg(info, {fn, 3, "axisSize"});
  const int64_t inner = sizeArg(info, {fn, 4, "inner"});
  auto out = int32Arg(info, {fn, 5, "out"});
  if (axisSize < 1) throw Napi::RangeError::New(env, std::string(fn) + ": axisSize must be ≥ 1");
  requireShapeLength(env, {fn, 1, "x"}, x.ElementLength(), {outer, axisSize, inner});
  requireShapeLength(env, {fn, 5, "out"}, out.ElementLength(), {outer, inner});
  runKernel(env, fn, [&] { native::argReduceF32(isMax, x.Data(), outer, axisSize, inner, out.Data()); });
  return env.Undefined();
}

/// softmaxF32(x: Float32Array[rows·cols], rows, cols, out: Float32Array[rows·cols]): softmax of each row.
Napi::Value SoftmaxF32(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "softmaxF32";
  requireArgCount(info, fn, 4, "(x, rows, cols, out)");
  Napi::Env env = info.Env();
  auto x = float32Arg(info, {fn, 0, "x"});
  const int64_t rows = sizeArg(info, {fn, 1, "rows"});
  const int64_t cols = sizeArg(info, {fn, 2, "cols"});
  auto out = float32Arg(info, {fn, 3, "out"});
  requireShapeLength(env, {fn, 0, "x"}, x.ElementLength(), {rows, cols});
  requireShapeLength(env, {fn, 3, "out"}, out.ElementLength(), {rows, cols});
  runKernel(env, fn, [&] { native::softmaxF32(x.Data(), rows, cols, out.Data()); });
  return env.Undefined();
}

}  // namespace fedkern::binding
