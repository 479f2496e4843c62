// 2-D convolution of the native backend and its two gradients, on oneDNN: activations NHWC and filters HWIO, as tfjs
// stores them. The geometry comes resolved from tfjs's computeConv2DInfo (pads per side, strides, dilations).
#pragma once

#include <cstdint>
#include <string>

namespace fedkern::native {

/// A convolution's shapes, as computeConv2DInfo resolves them. Dilation 1 means none (tfjs convention).
struct Conv2dGeometry {
  int32_t batch, inHeight, inWidth, inChannels;
  int32_t outHeight, outWidth, outChannels;
  int32_t filterHeight, filterWidth;
  int32_t strideHeight, strideWidth, dilationHeight, dilationWidth;
  int32_t padTop, padLeft, padBottom, padRight;

  /// Number of int32 fields, the length of the geometry array the binding takes (in this order).
  static constexpr int kFields = 17;
  static Conv2dGeometry fromArray(const int32_t* v);

  int64_t inputSize() const { return int64_t{batch} * inHeight * inWidth * inChannels; }
  int64_t outputSize() const { return int64_t{batch} * outHeight * outWidth * outChannels; }
  int64_t filterSize() const { return int64_t{filterHeight} * filterWidth * inChannels * outChannels; }
};

/// Empty when oneDNN can run `g` (positive sizes, strides and dilations, non-negative pads, output sizes that follow
/// from the input, filter, pads and strides); otherwise what is wrong, for the error message.
std::string conv2dGeometryError(const Conv2dGeometry& g);

/// Memory layouts the convolution primitives work in. Nhwc (the default): activations NHWC as tfjs stores them, weights
/// in the layout oneDNN picks (format_tag::any), so only the small weight tensor is reordered per call; oneDNN 2.6 runs
/// NHWC activations on its AVX-512 jit/brgconv kernels. Blocked: oneDNN picks every layout (nChw16c-like), with reorders
/// of activations and weights from and to NHWC/HWIO around each call. Plain: straight on NHWC/HWIO (its GEMM path).
/// harness/conv_layouts.cc times the three, and the blocked primitive alone, on the benchmarked models' layers.
enum class ConvLayout { Nhwc, Blocked, Plain };
/// The layout used by convolutions called from this thread (default Nhwc); for benchmarks.
void setConvLayout(ConvLayout layout);
ConvLayout convLayout();

/// y[N,OH,OW,OC] = conv(x[N,H,W,IC], w[KH,KW,IC,OC]).
void conv2dForward(const Conv2dGeometry& g, const float* x, const float* w, float* y);
/// dx[N,H,W,IC] = ∂(Σ dy·y)/∂x, for dy[N,OH,OW,OC] and w[KH,KW,IC,OC]. Every element of dx is written.
void conv2dBackwardInput(const Conv2dGeometry& g, const float* dy, const float* w, float* dx);
/// dw[KH,KW,IC,OC] = ∂(Σ dy·y)/∂w, for x[N,H,W,IC] and dy[N,OH,OW,OC].
void conv2dBackwardFilter(const Conv2dGeometry& g, const float* x, const float* dy, float* dw);

}  // namespace fedkern::native
