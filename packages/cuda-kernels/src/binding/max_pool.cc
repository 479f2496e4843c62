// Bindings of the native backend's max pooling (src/native/max_pool.h).
#include "../native/max_pool.h"

#include "args.h"
#include "bindings.h"

namespace fedkern::binding {

namespace {

using native::Pool2dGeometry;

constexpr const char* kGeometryFields =
    "(batch, inHeight, inWidth, channels, outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth, "
    "padTop, padLeft)";

Pool2dGeometry geometryArg(const Napi::CallbackInfo& info, ArgRef ref) {
  auto g = int32Arg(info, ref);
  requireLength(info.Env(), ref, g.ElementLength(), Pool2dGeometry::kFields, kGeometryFields);
  const Pool2dGeometry geometry = Pool2dGeometry::fromArray(g.Data());
  const std::string error = native::pool2dGeometryError(geometry);
  if (!error.empty()) throw Napi::RangeError::New(info.Env(), "Invalid pooling geometry in " + ref.label() + ": " + error);
  return geometry;
}

constexpr const char* kInput = "(batch × inHeight × inWidth × channels)";
constexpr const char* kOutput = "(batch × outHeight × outWidth × channels)";

}  // namespace

/// maxPool2d(x: Float32Array NHWC, geometry: Int32Array[12], y: Float32Array NHWC): undefined
Napi::Value MaxPool2d(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "maxPool2d";
  requireArgCount(info, fn, 3, "(x, geometry, y)");
  Napi::Env env = info.Env();
  auto x = float32Arg(info, {fn, 0, "x"});
  const Pool2dGeometry g = geometryArg(info, {fn, 1, "geometry"});
  auto y = float32Arg(info, {fn, 2, "y"});
  requireLength(env, {fn, 0, "x"}, x.ElementLength(), static_cast<size_t>(g.inputSize()), kInput);
  requireLength(env, {fn, 2, "y"}, y.ElementLength(), static_cast<size_t>(g.outputSize()), kOutput);
  runKernel(env, fn, [&] { native::maxPool2d(g, x.Data(), y.Data()); });
  return env.Undefined();
}

/// maxPool2dBackward(x: Float32Array NHWC, dy: Float32Array NHWC, geometry: Int32Array[12], dx: Float32Array NHWC)
Napi::Value MaxPool2dBackward(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "maxPool2dBackward";
  requireArgCount(info, fn, 4, "(x, dy, geometry, dx)");
  Napi::Env env = info.Env();
  auto x = float32Arg(info, {fn, 0, "x"});
  auto dy = float32Arg(info, {fn, 1, "dy"});
  const Pool2dGeometry g = geometryArg(info, {fn, 2, "geometry"});
  auto dx = float32Arg(info, {fn, 3, "dx"});
  requireLength(env, {fn, 0, "x"}, x.ElementLength(), static_cast<size_t>(g.inputSize()), kInput);
  requireLength(env, {fn, 1, "dy"}, dy.ElementLength(), static_cast<size_t>(g.outputSize()), kOutput);
  requireLength(env, {fn, 3, "dx"}, dx.ElementLength(), static_cast<size_t>(g.inputSize()), kInput);
  runKernel(env, fn, [&] { native::maxPool2dBackward(g, x.Data(), dy.Data(), dx.Data()); });
  return env.Undefined();
}

}  // namespace fedkern::binding
