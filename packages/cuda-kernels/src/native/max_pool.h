// 2-D max pooling of the native backend and its gradient, NHWC, with tfjs-cpu's semantics: windows clipped to the
// input (padding never wins), maxima found by a strict `>` from −∞ in row-major window order, so the first of tied
// maxima gets the gradient, NaN never wins, and a window with no value above −∞ gives −∞ and passes no gradient.
#pragma once

#include <cstdint>
#include <string>

namespace fedkern::native {

struct Pool2dGeometry {
  int32_t batch, inHeight, inWidth, channels;
  int32_t outHeight, outWidth;
  int32_t filterHeight, filterWidth, strideHeight, strideWidth;
  int32_t padTop, padLeft;

  static constexpr int kFields = 12;
  static Pool2dGeometry fromArray(const int32_t* v);
  int64_t inputSize() const { return int64_t{batch} * inHeight * inWidth * channels; }
  int64_t outputSize() const { return int64_t{batch} * outHeight * outWidth * channels; }
};

/// Empty when `g` is valid (sizes and strides ≥ 1, pads ≥ 0), else what is wrong.
std::string pool2dGeometryError(const Pool2dGeometry& g);

/// y[N,OH,OW,C] = max over each window of x[N,H,W,C].
void maxPool2d(const Pool2dGeometry& g, const float* x, float* y);
/// dx[N,H,W,C]: each dy element added to the position of its window's maximum in x (zero elsewhere).
void maxPool2dBackward(const Pool2dGeometry& g, const float* x, const float* dy, float* dx);

}  // namespace fedkern::native
