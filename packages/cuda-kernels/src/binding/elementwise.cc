// Bindings of the native backend's elementwise kernels (src/native/elementwise.h). Outputs are caller-allocated
// typed arrays of exactly the output's size; shapes travel as arrays of integers.
#include "../native/elementwise.h"

#include "args.h"
#include "bindings.h"
#include "tensor_args.h"

namespace fedkern::binding {

using native::BinaryOp;
using native::CompareOp;
using native::UnaryOp;

/// unaryF32(op, x: Float32Array, alpha: number, out: Float32Array[x.length]): op is relu, step (alpha = value for
/// x ≤ 0), square, sqrt, rsqrt, exp, log, neg, abs, reciprocal, sigmoid or tanh.
Napi::Value UnaryF32(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "unaryF32";
  requireArgCount(info, fn, 4, "(op, x, alpha, out)");
  Napi::Env env = info.Env();
  const UnaryOp op = opArg<UnaryOp>(info, {fn, 0, "op"},
                                    {{"relu", UnaryOp::Relu},
                                     {"step", UnaryOp::Step},
                                     {"square", UnaryOp::Square},
                                     {"sqrt", UnaryOp::Sqrt},
                                     {"rsqrt", UnaryOp::Rsqrt},
                                     {"exp", UnaryOp::Exp},
                                     {"log", UnaryOp::Log},
                                     {"neg", UnaryOp::Neg},
                                     {"abs", UnaryOp::Abs},
                                     {"reciprocal", UnaryOp::Reciprocal},
                                     {"sigmoid", UnaryOp::Sigmoid},
                                     {"tanh", UnaryOp::Tanh}});
  auto x = float32Arg(info, {fn, 1, "x"});
  const Napi::Value alphaValue = info[2];
  const float alpha = alphaValue.IsNumber() ? alphaValue.As<Napi::Number>().FloatValue() : 0.f;  // NaN allowed
  auto out = float32Arg(info, {fn, 3, "out"});
  requireLength(env, {fn, 3, "out"}, out.ElementLength(), x.ElementLength(), "(as x)");
  runKernel(env, fn, [&] { native::unaryF32(op, x.Data(), static_cast<int64_t>(x.ElementLength()), alpha, out.Data()); });
  return env.Undefined();
}

namespace {
/// Reads (a, aShape, b, bShape, out, outShape) at arguments 1..6 and checks every length and the broadcast.
struct BinaryArgs {
  Napi::Float32Array a, b;
  native::Shape aShape, bShape, outShape;
};
BinaryArgs binaryArgs(const Napi::CallbackInfo& info, const char* fn, size_t outLength) {
  Napi::Env env = info.Env();
  BinaryArgs r{float32Arg(info, {fn, 1, "a"}), float32Arg(info, {fn, 3, "b"}), shapeArg(info, {fn, 2, "aShape"}),
               shapeArg(info, {fn, 4, "bShape"}), shapeArg(info, {fn, 6, "outShape"})};
  requireShapeLength(env, {fn, 1, "a"}, r.a.ElementLength(), r.aShape);
  requireShapeLength(env, {fn, 3, "b"}, r.b.ElementLength(), r.bShape);
  requireShapeLength(env, {fn, 5, "out"}, outLength, r.outShape);
  native::Shape expected;
  runKernel(env, fn, [&] { expected = native::broadcastShape(r.aShape, r.bShape); });
  if (expected != r.outShape)
    throw Napi::RangeError::New(env, std::string(fn) + ": outShape " + native::shapeString(r.outShape) + " is not the broadcast " +
                                         native::shapeString(expected) + " of aShape and bShape");
  return r;
}
}  // namespace

/// binaryF32(op, a: Float32Array, aShape, b: Float32Array, bShape, out: Float32Array, outShape): NumPy-broadcast
/// op ∈ add, sub, mul, div, maximum, minimum, pow, squaredDifference.
Napi::Value BinaryF32(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "binaryF32";
  requireArgCount(info, fn, 7, "(op, a, aShape, b, bShape, out, outShape)");
  Napi::Env env = info.Env();
  const BinaryOp op = opArg<BinaryOp>(info, {fn, 0, "op"},
                                      {{"add", BinaryOp::Add},
                                       {"sub", BinaryOp::Sub},
                                       {"mul", BinaryOp::Mul},
                                       {"div", BinaryOp::Div},
                                       {"maximum", BinaryOp::Maximum},
                                       {"minimum", BinaryOp::Minimum},
                                       {"pow", BinaryOp::Pow},
                                       {"squaredDifference", BinaryOp::SquaredDifference}});
  auto out = float32Arg(info, {fn, 5, "out"});
  const BinaryArgs r = binaryArgs(info, fn, out.ElementLength());
  runKernel(env, fn, [&] { native::binaryF32(op, r.a.Data(), r.aShape, r.b.Data(), r.bShape, out.Data(), r.outShape); });
  return env.Undefined();
}

/// compareF32(op, a, aShape, b, bShape, out: Uint8Array, outShape): 0/1 per element, op ∈ equal, notEqual,
/// greater, greaterEqual, less, lessEqual.
Napi::Value CompareF32(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "compareF32";
  requireArgCount(info, fn, 7, "(op, a, aShape, b, bShape, out, outShape)");
  Napi::Env env = info.Env();
  const CompareOp op = opArg<CompareOp>(info, {fn, 0, "op"},
                                        {{"equal", CompareOp::Equal},
                                         {"notEqual", CompareOp::NotEqual},
                                         {"greater", CompareOp::Greater},
                                         {"greaterEqual", CompareOp::GreaterEqual},
                                         {"less", CompareOp::Less},
                                         {"lessEqual", CompareOp::LessEqual}});
  auto out = uint8Arg(info, {fn, 5, "out"});
  const BinaryArgs r = binaryArgs(info, fn, out.ElementLength());
  runKernel(env, fn, [&] { native::compareF32(op, r.a.Data(), r.aShape, r.b.Data(), r.bShape, out.Data(), r.outShape); });
  return env.Undefined();
}

/// selectF32(cond: Uint8Array, t: Float32Array, e: Float32Array, out: Float32Array), all of one length.
Napi::Value SelectF32(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "selectF32";
  requireArgCount(info, fn, 4, "(cond, t, e, out)");
  Napi::Env env = info.Env();
  auto cond = uint8Arg(info, {fn, 0, "cond"});
  auto t = float32Arg(info, {fn, 1, "t"});
  auto e = float32Arg(info, {fn, 2, "e"});
  auto out = float32Arg(info, {fn, 3, "out"});
  const size_t n = cond.ElementLength();
  requireLength(env, {fn, 1, "t"}, t.ElementLength(), n, "(as cond)");
  requireLength(env, {fn, 2, "e"}, e.ElementLength(), n, "(as cond)");
  requireLength(env, {fn, 3, "out"}, out.ElementLength(), n, "(as cond)");
  runKernel(env, fn, [&] { native::selectF32(cond.Data(), t.Data(), e.Data(), static_cast<int64_t>(n), out.Data()); });
  return env.Undefined();
}

/// castTensor(x, out): converts between Float32Array (float32), Int32Array (int32) and Uint8Array (bool) of one
/// length, with JavaScript semantics (see native::castF32ToI32).
Napi::Value CastTensor(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "castTensor";
  requireArgCount(info, fn, 2, "(x, out)");
  Napi::Env env = info.Env();
  auto kind = [&](size_t index, const char* name) {
    const Napi::Value v = info[index];
    const napi_typedarray_type t = v.IsTypedArray() ? v.As<Napi::TypedArray>().TypedArrayType() : napi_float64_array;
    if (t != napi_float32_array && t != napi_int32_array && t != napi_uint8_array)
      throw Napi::TypeError::New(env, std::string("Expected Float32Array, Int32Array or Uint8Array for ") + fn + "(" + name + ")");
    return t;
  };
  const napi_typedarray_type from = kind(0, "x"), to = kind(1, "out");
  const Napi::TypedArray x = info[0].As<Napi::TypedArray>(), out = info[1].As<Napi::TypedArray>();
  requireLength(env, {fn, 1, "out"}, out.ElementLength(), x.ElementLength(), "(as x)");
  const int64_t n = static_cast<int64_t>(x.ElementLength());
  auto ptr = [](const Napi::TypedArray& a) { return static_cast<uint8_t*>(a.ArrayBuffer().Data()) + a.ByteOffset(); };
  uint8_t* src = ptr(x);
  uint8_t* dst = ptr(out);
  runKernel(env, fn, [&] {
    const auto* f = reinterpret_cast<const float*>(src);
    const auto* i = reinterpret_cast<const int32_t*>(src);
    if (from == napi_float32_array && to == napi_int32_array)
      native::castF32ToI32(f, n, reinterpret_cast<int32_t*>(dst));
    else if (from == napi_float32_array && to == napi_uint8_array)
      native::castF32ToBool(f, n, dst);
    else if (from == napi_int32_array && to == napi_float32_array)
      native::castI32ToF32(i, n, reinterpret_cast<float*>(dst));
    else if (from == napi_int32_array && to == napi_uint8_array)
      native::castI32ToBool(i, n, dst);
    else if (from == napi_uint8_array && to == napi_float32_array)
      native::castBoolToF32(src, n, reinterpret_cast<float*>(dst));
    else if (from == napi_uint8_array && to == napi_int32_array)
      native::castBoolToI32(src, n, reinterpret_cast<int32_t*>(dst));
    else
      throw std::invalid_argument("x and out have the same element type; nothing to cast");
  });
  return env.Undefined();
}

}  // namespace fedkern::binding
