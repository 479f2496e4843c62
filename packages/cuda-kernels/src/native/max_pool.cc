#include "max_pool.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <vector>

namespace fedkern::native {

Pool2dGeometry Pool2dGeometry::fromArray(const int32_t* v) {
  return {v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11]};
}

std::string pool2dGeometryError(const Pool2dGeometry& g) {
  const int32_t sizes[] = {g.batch,    g.inHeight,     g.inWidth,     g.channels,     g.outHeight,
                           g.outWidth, g.filterHeight, g.filterWidth, g.strideHeight, g.strideWidth};
  for (int32_t s : sizes)
    if (s < 1) return "sizes and strides must be ≥ 1";
  if (g.padTop < 0 || g.padLeft < 0) return "pads must be ≥ 0";
  return "";
}

namespace {

constexpr float kMinusInf = -std::numeric_limits<float>::infinity();
// Parallel over images only when there is enough of them to pay for waking the OpenMP team.
constexpr int64_t kMinParallelWork = int64_t{1} << 16;

void check(const Pool2dGeometry& g, const char* fn) {
  const std::string error = pool2dGeometryError(g);
  if (!error.empty()) throw std::invalid_argument(std::string(fn) + ": " + error);
}

/// The window rows [begin, end) of output row `o` along one axis, clipped to the input.
struct Span {
  int32_t begin, end;
};
Span window(int32_t o, int32_t stride, int32_t pad, int32_t filter, int32_t in) {
  const int32_t corner = o * stride - pad;
  return {std::max(0, corner), std::min(in, corner + filter)};
}

}  // namespace

void maxPool2d(const Pool2dGeometry& g, const float* x, float* y) {
  check(g, "maxPool2d");
  const int64_t C = g.channels;
#pragma omp parallel for if (g.inputSize() * g.filterHeight * g.filterWidth >= kMinParallelWork) schedule(static)
  for (int32_t b = 0; b < g.batch; ++b) {
    const float* xb = x + int64_t{b} * g.inHeight * g.inWidth * C;
    for (int32_t oh = 0; oh < g.outHeight; ++oh) {
      const Span rows = window(oh, g.strideHeight, g.padTop, g.filterHeight, g.inHeight);
      for (int32_t ow = 0; ow < g.outWidth; ++ow) {
        const Span cols = window(ow, g.strideWidth, g.padLeft, g.filterWidth, g.inWidth);
        float* out = y + ((int64_t{b} * g.outHeight + oh) * g.outWidth + ow) * C;
        std::fill(out, out + C, kMinusInf);
        for (int32_t ih = rows.begin; ih < rows.end; ++ih)
          for (int32_t iw = cols.begin; iw < cols.end; ++iw) {
            const float* in = xb + (int64_t{ih} * g.inWidth + iw) * C;
            for (int64_t c = 0; c < C; ++c) out[c] = in[c] > out[c] ? in[c] : out[c];
          }
      }
    }
  }
}

void maxPool2dBackward(const Pool2dGeometry& g, const float* x, const float* dy, float* dx) {
  check(g, "maxPool2dBackward");
  const int64_t C = g.channels;
  const int64_t image = int64_t{g.inHeight} * g.inWidth * C;
  if (image > std::numeric_limits<int32_t>::max()) throw std::invalid_argument("maxPool2dBackward: an image has over 2^31 elements");
#pragma omp parallel if (g.inputSize() * g.filterHeight * g.filterWidth >= kMinParallelWork)
  {
    // Per channel: the running maximum and its offset in the image (−1: none yet). Updated without branches so that
    // the channel loop vectorises; `>` keeps the first of tied maxima, as tfjs-cpu does.
    std::vector<float> best(C);
    std::vector<int32_t> where(C);
#pragma omp for schedule(static)
    for (int32_t b = 0; b < g.batch; ++b) {
      const float* xb = x + b * image;
      float* dxb = dx + b * image;
      std::memset(dxb, 0, sizeof(float) * image);
      for (int32_t oh = 0; oh < g.outHeight; ++oh) {
        const Span rows = window(oh, g.strideHeight, g.padTop, g.filterHeight, g.inHeight);
        for (int32_t ow = 0; ow < g.outWidth; ++ow) {
          const Span cols = window(ow, g.strideWidth, g.padLeft, g.filterWidth, g.inWidth);
          float* __restrict bestC = best.data();
          int32_t* __restrict whereC = where.data();
          std::fill(bestC, bestC + C, kMinusInf);
          std::fill(whereC, whereC + C, -1);
          for (int32_t ih = rows.begin; ih < rows.end; ++ih)
            for (int32_t iw = cols.begin; iw < cols.end; ++iw) {
              const int32_t offset = static_cast<int32_t>((int64_t{ih} * g.inWidth + iw) * C);
              const float* __restrict in = xb + offset;
              for (int32_t c = 0; c < C; ++c) {
                const float v = in[c], current = bestC[c];
                const int32_t larger = -static_cast<int32_t>(v > current);  // all ones or zero: a blend mask
                bestC[c] = v > current ? v : current;
                whereC[c] = (whereC[c] & ~larger) | ((offset + c) & larger);
              }
            }
          const float* gradOut = dy + ((int64_t{b} * g.outHeight + oh) * g.outWidth + ow) * C;
          for (int64_t c = 0; c < C; ++c)
            if (whereC[c] >= 0) dxb[whereC[c]] += gradOut[c];
        }
      }
    }
  }
}

}  // namespace fedkern::native
