// Bindings of the native backend's convolutions (src/native/dnnl_conv.h): every length is checked against the
// geometry before oneDNN touches memory.
#include "../native/dnnl_conv.h"

#include "args.h"
#include "bindings.h"

namespace fedkern::binding {

namespace {

using native::Conv2dGeometry;

Conv2dGeometry geometryArg(const Napi::CallbackInfo& info, ArgRef ref) {
  auto g = int32Arg(info, ref);
  requireLength(info.Env(), ref, g.ElementLength(), Conv2dGeometry::kFields,
                "(batch, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth, "
                "strideHeight, strideWidth, dilationHeight, dilationWidth, padTop, padLeft, padBottom, padRight)");
  const Conv2dGeometry geometry = Conv2dGeometry::fromArray(g.Data());
  const std::string error = native::conv2dGeometryError(geometry);
  if (!error.empty()) throw Napi::RangeError::New(info.Env(), "Invalid convolution geometry in " + ref.label() + ": " + error);
  return geometry;
}

/// The shared shape of the three bindings: (in0, in1, geometry, out) with the lengths each must have.
template <typename Kernel>
Napi::Value convBinding(const Napi::CallbackInfo& info, const char* fn, const char* signature, const char* names[3],
                        int64_t (Conv2dGeometry::*sizes[3])() const, const char* shapes[3], Kernel kernel) {
  requireArgCount(info, fn, 4, signature);
  Napi::Env env = info.Env();
  auto a = float32Arg(info, {fn, 0, names[0]});
  auto b = float32Arg(info, {fn, 1, names[1]});
  const Conv2dGeometry g = geometryArg(info, {fn, 2, "geometry"});
  auto out = float32Arg(info, {fn, 3, names[2]});
  requireLength(env, {fn, 0, names[0]}, a.ElementLength(), static_cast<size_t>((g.*sizes[0])()), shapes[0]);
  requireLength(env, {fn, 1, names[1]}, b.ElementLength(), static_cast<size_t>((g.*sizes[1])()), shapes[1]);
  requireLength(env, {fn, 3, names[2]}, out.ElementLength(), static_cast<size_t>((g.*sizes[2])()), shapes[2]);
  runKernel(env, fn, [&] { kernel(g, a.Data(), b.Data(), out.Data()); });
  return env.Undefined();
}

constexpr const char* kInput = "(batch × inHeight × inWidth × inChannels)";
constexpr const char* kOutput = "(batch × outHeight × outWidth × outChannels)";
constexpr const char* kFilter = "(filterHeight × filterWidth × inChannels × outChannels)";

}  // namespace

/// conv2dForward(x: Float32Array NHWC, w: Float32Array HWIO, geometry: Int32Array[17], y: Float32Array NHWC)
Napi::Value Conv2dForward(const Napi::CallbackInfo& info) {
  const char* names[3] = {"x", "w", "y"};
  int64_t (Conv2dGeometry::*sizes[3])() const = {&Conv2dGeometry::inputSize, &Conv2dGeometry::filterSize, &Conv2dGeometry::outputSize};
  const char* shapes[3] = {kInput, kFilter, kOutput};
  return convBinding(info, "conv2dForward", "(x, w, geometry, y)", names, sizes, shapes, native::conv2dForward);
}

/// conv2dBackwardInput(dy: Float32Array NHWC, w: Float32Array HWIO, geometry: Int32Array[17], dx: Float32Array NHWC)
Napi::Value Conv2dBackwardInput(const Napi::CallbackInfo& info) {
  const char* names[3] = {"dy", "w", "dx"};
  int64_t (Conv2dGeometry::*sizes[3])() const = {&Conv2dGeometry::outputSize, &Conv2dGeometry::filterSize, &Conv2dGeometry::inputSize};
  const char* shapes[3] = {kOutput, kFilter, kInput};
  return convBinding(info, "conv2dBackwardInput", "(dy, w, geometry, dx)", names, sizes, shapes, native::conv2dBackwardInput);
}

/// conv2dBackwardFilter(x: Float32Array NHWC, dy: Float32Array NHWC, geometry: Int32Array[17], dw: Float32Array HWIO)
Napi::Value Conv2dBackwardFilter(const Napi::CallbackInfo& info) {
  const char* names[3] = {"x", "dy", "dw"};
  int64_t (Conv2dGeometry::*sizes[3])() const = {&Conv2dGeometry::inputSize, &Conv2dGeometry::outputSize, &Conv2dGeometry::filterSize};
  const char* shapes[3] = {kInput, kOutput, kFilter};
  return convBinding(info, "conv2dBackwardFilter", "(x, dy, geometry, dw)", names, sizes, shapes, native::conv2dBackwardFilter);
}

/// setConvLayout('nhwc' | 'blocked' | 'plain'): the layout convolutions from this thread use (benchmarks; default
/// 'nhwc'). Returns undefined.
Napi::Value SetConvLayout(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "setConvLayout";
  requireArgCount(info, fn, 1, "(layout)");
  const Napi::Value v = info[0];
  const std::string layout = v.IsString() ? v.As<Napi::String>().Utf8Value() : "";
  if (layout == "nhwc")
    native::setConvLayout(native::ConvLayout::Nhwc);
  else if (layout == "blocked")
    native::setConvLayout(native::ConvLayout::Blocked);
  else if (layout == "plain")
    native::setConvLayout(native::ConvLayout::Plain);
  else
    throw Napi::TypeError::New(info.Env(), "setConvLayout(layout): expected 'nhwc', 'blocked' or 'plain'");
  return info.Env().Undefined();
}

}  // namespace fedkern::binding
