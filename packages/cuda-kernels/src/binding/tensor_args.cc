#include "tensor_args.h"

#include <cmath>

namespace fedkern::binding {

namespace {
int64_t integerElement(Napi::Env env, ArgRef ref, const Napi::Array& a, uint32_t i, double min, double max) {
  const Napi::Value e = a.Get(i);
  const double d = e.IsNumber() ? e.As<Napi::Number>().DoubleValue() : std::nan("");
  if (!(d >= min && d <= max && std::floor(d) == d))
    throw Napi::TypeError::New(env, "Expected integers in [" + std::to_string(static_cast<int64_t>(min)) + ", " +
                                        std::to_string(static_cast<int64_t>(max)) + "] in " + ref.label() + " but element " +
                                        std::to_string(i) + " is not");
  return static_cast<int64_t>(d);
}
}  // namespace

native::Shape shapeArg(const Napi::CallbackInfo& info, ArgRef ref) {
  const Napi::Value v = info[ref.index];
  if (!v.IsArray()) throw Napi::TypeError::New(info.Env(), "Expected an array of dimensions for " + ref.label());
  const Napi::Array a = v.As<Napi::Array>();
  native::Shape shape(a.Length());
  for (uint32_t i = 0; i < a.Length(); ++i) shape[i] = integerElement(info.Env(), ref, a, i, 0, 2147483647.0);
  return shape;
}

std::vector<int> axesArg(const Napi::CallbackInfo& info, ArgRef ref, size_t rank) {
  const Napi::Value v = info[ref.index];
  if (!v.IsArray()) throw Napi::TypeError::New(info.Env(), "Expected an array of axes for " + ref.label());
  const Napi::Array a = v.As<Napi::Array>();
  std::vector<int> axes(a.Length());
  std::vector<bool> seen(rank, false);
  for (uint32_t i = 0; i < a.Length(); ++i) {
    axes[i] = static_cast<int>(integerElement(info.Env(), ref, a, i, 0, static_cast<double>(rank) - 1));
    if (seen[axes[i]]) throw Napi::RangeError::New(info.Env(), "Axis " + std::to_string(axes[i]) + " is repeated in " + ref.label());
    seen[axes[i]] = true;
  }
  return axes;
}

Napi::Uint8Array uint8Arg(const Napi::CallbackInfo& info, ArgRef ref) {
  const Napi::Value v = info[ref.index];
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array)
    throw Napi::TypeError::New(info.Env(), "Expected Uint8Array for argument " + std::to_string(ref.index) + " of " + ref.label());
  return v.As<Napi::Uint8Array>();
}

void requireShapeLength(Napi::Env env, ArgRef ref, size_t length, const native::Shape& shape) {
  if (static_cast<int64_t>(length) != native::sizeOf(shape))
    throw Napi::RangeError::New(env, "Expected " + std::to_string(native::sizeOf(shape)) + " elements (shape " +
                                         native::shapeString(shape) + ") in " + ref.label() + " but received " + std::to_string(length));
}

}  // namespace fedkern::binding
