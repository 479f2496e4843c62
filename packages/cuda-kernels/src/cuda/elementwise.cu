// Elementwise kernels of the `cuda` backend: unary and broadcasting binary float32 ops, strided copies (transpose,
// broadcast, slice, concat), fill, dtype casts and the fused SGD update. Grid-stride loops over int64 indices.
#include <cuda_runtime.h>

#include "device.h"
#include "launch.cuh"

namespace fedkern::gpu {
namespace {

__device__ __forceinline__ float unaryValue(UnaryOp op, float x, float alpha, float beta) {
  switch (op) {
    case UnaryOp::kNeg: return -x;
    case UnaryOp::kAbs: return fabsf(x);
    case UnaryOp::kExp: return expf(x);
    case UnaryOp::kLog: return logf(x);
    case UnaryOp::kSqrt: return sqrtf(x);
    case UnaryOp::kRsqrt: return rsqrtf(x);
    case UnaryOp::kSquare: return x * x;
    case UnaryOp::kRelu: return x > 0.0f ? x : 0.0f;  // NaN → 0, as tfjs-cpu
    case UnaryOp::kRelu6: return fminf(fmaxf(x, 0.0f), 6.0f);
    case UnaryOp::kSigmoid: return 1.0f / (1.0f + expf(-x));
    case UnaryOp::kTanh: return tanhf(x);
    case UnaryOp::kReciprocal: return 1.0f / x;
    case UnaryOp::kSign: return x > 0.0f ? 1.0f : (x < 0.0f ? -1.0f : 0.0f);
    case UnaryOp::kFloor: return floorf(x);
    case UnaryOp::kCeil: return ceilf(x);
    case UnaryOp::kStep: return isnan(x) ? x : (x > 0.0f ? 1.0f : alpha);
    case UnaryOp::kLeakyRelu: return x < 0.0f ? alpha * x : x;
    case UnaryOp::kClip: return fminf(fmaxf(x, alpha), beta);
    case UnaryOp::kElu: return x >= 0.0f ? x : expf(x) - 1.0f;
    case UnaryOp::kSoftplus: return x > 20.0f ? x : log1pf(expf(x));
    case UnaryOp::kLog1p: return log1pf(x);
    case UnaryOp::kExpm1: return expm1f(x);
    case UnaryOp::kSin: return sinf(x);
    case UnaryOp::kCos: return cosf(x);
    case UnaryOp::kScale: return alpha * x;
    case UnaryOp::kIdentity:
    default: return x;
  }
}

__global__ void unaryKernel(UnaryOp op, const float* __restrict__ x, float* __restrict__ y, int64_t n, float alpha, float beta) {
  for (int64_t i = blockIdx.x * int64_t{blockDim.x} + threadIdx.x; i < n; i += int64_t{gridDim.x} * blockDim.x)
    y[i] = unaryValue(op, x[i], alpha, beta);
}

__device__ __forceinline__ float binaryValue(BinaryOp op, float a, float b) {
  switch (op) {
    case BinaryOp::kAdd: return a + b;
    case BinaryOp::kSub: return a - b;
    case BinaryOp::kMul: return a * b;
    case BinaryOp::kDiv: return a / b;
    case BinaryOp::kMax: return (isnan(a) || isnan(b)) ? nanf("") : fmaxf(a, b);
    case BinaryOp::kMin: return (isnan(a) || isnan(b)) ? nanf("") : fminf(a, b);
    case BinaryOp::kPow: return powf(a, b);
    case BinaryOp::kSquaredDifference: return (a - b) * (a - b);
    case BinaryOp::kReluGrad: return b > 0.0f ? a : 0.0f;            // a = dy, b = x
    case BinaryOp::kEluGrad: return b >= 0.0f ? a : a * (b + 1.0f);  // a = dy, b = y
    default: return 0.0f;
  }
}

__device__ __forceinline__ bool compareValue(BinaryOp op, float a, float b) {
  switch (op) {
    case BinaryOp::kGreater: return a > b;
    case BinaryOp::kGreaterEqual: return a >= b;
    case BinaryOp::kLess: return a < b;
    case BinaryOp::kLessEqual: return a <= b;
    case BinaryOp::kEqual: return a == b;
    case BinaryOp::kNotEqual: return a != b;
    default: return false;
  }
}

template <bool kCompare>
__global__ void binaryKernel(BinaryOp op, const float* __restrict__ a, const float* __restrict__ b, void* out, BroadcastGeometry g,
                             int64_t n) {
  for (int64_t i = blockIdx.x * int64_t{blockDim.x} + threadIdx.x; i < n; i += int64_t{gridDim.x} * blockDim.x) {
    int64_t ai, bi;
    broadcastOffsets(g, i, &ai, &bi);
    if constexpr (kCompare)
      static_cast<uint8_t*>(out)[i] = compareValue(op, a[ai], b[bi]) ? 1 : 0;
    else
      static_cast<float*>(out)[i] = binaryValue(op, a[ai], b[bi]);
  }
}

template <typename T>
__global__ void stridedCopyKernel(const T* __restrict__ x, T* __restrict__ y, StridedCopy s, int64_t n) {
  for (int64_t i = blockIdx.x * int64_t{blockDim.x} + threadIdx.x; i < n; i += int64_t{gridDim.x} * blockDim.x) {
    int64_t xi, yi;
    stridedOffsets(s, i, &xi, &yi);
    y[yi] = x[xi];
  }
}

__global__ void fillKernel(uint32_t* y, int64_t n, uint32_t bits) {
  for (int64_t i = blockIdx.x * int64_t{blockDim.x} + threadIdx.x; i < n; i += int64_t{gridDim.x} * blockDim.x) y[i] = bits;
}

__device__ __forceinline__ float loadAs(const void* x, int32_t type, int64_t i) {
  if (type == 0) return static_cast<const float*>(x)[i];
  if (type == 1) return static_cast<float>(static_cast<const int32_t*>(x)[i]);
  return static_cast<float>(static_cast<const uint8_t*>(x)[i]);
}

/// ECMAScript ToInt32, as tfjs-cpu's cast (Int32Array.from) does it: NaN and ±inf give 0, the rest is truncated and
/// wrapped modulo 2³². (A plain float → int conversion saturates on the GPU: +inf would give INT32_MAX.)
__device__ __forceinline__ int32_t toInt32(float v) {
  if (!isfinite(v)) return 0;
  if (fabsf(v) < 2147483648.0f) return static_cast<int32_t>(v);  // truncates toward zero
  double m = fmod(trunc(static_cast<double>(v)), 4294967296.0);
  if (m < 0) m += 4294967296.0;
  return static_cast<int32_t>(static_cast<uint32_t>(m));
}

__global__ void castKernel(const void* x, int32_t fromType, void* y, int32_t toType, int64_t n) {
  for (int64_t i = blockIdx.x * int64_t{blockDim.x} + threadIdx.x; i < n; i += int64_t{gridDim.x} * blockDim.x) {
    if (fromType == 1 && toType == 1) {
      static_cast<int32_t*>(y)[i] = static_cast<const int32_t*>(x)[i];
      continue;
    }
    const float v = loadAs(x, fromType, i);
    if (toType == 0)
      static_cast<float*>(y)[i] = v;
    else if (toType == 1)
      static_cast<int32_t*>(y)[i] = toInt32(v);
    else
      static_cast<uint8_t*>(y)[i] = v != 0.0f ? 1 : 0;
  }
}

__global__ void sgdKernel(float* __restrict__ w, const float* __restrict__ g, float* __restrict__ v, int64_t n, float lr, float momentum,
                          bool nesterov) {
  for (int64_t i = blockIdx.x * int64_t{blockDim.x} + threadIdx.x; i < n; i += int64_t{gridDim.x} * blockDim.x) {
    const float grad = g[i];
    if (v == nullptr) {
      w[i] -= lr * grad;
      continue;
    }
    const float vel = momentum * v[i] + grad;
    v[i] = vel;
    w[i] -= lr * (nesterov ? grad + momentum * vel : vel);
  }
}

}  // namespace

void launchUnary(UnaryOp op, const float* x, float* y, int64_t n, float alpha, float beta) {
  if (n == 0) return;
  unaryKernel<<<blocksFor(n), kThreads, 0, stream()>>>(op, x, y, n, alpha, beta);
  checkLaunch("unaryKernel");
}

void launchBinary(BinaryOp op, const float* a, const float* b, void* out, const BroadcastGeometry& g) {
  int64_t n = 1;
  for (int d = 0; d < g.rank; ++d) n *= g.shape[d];
  if (n == 0) return;
  if (isComparison(op))
    binaryKernel<true><<<blocksFor(n), kThreads, 0, stream()>>>(op, a, b, out, g, n);
  else
    binaryKernel<false><<<blocksFor(n), kThreads, 0, stream()>>>(op, a, b, out, g, n);
  checkLaunch("binaryKernel");
}

void launchStridedCopy(const void* x, void* y, const StridedCopy& s, int32_t elementBytes) {
  int64_t n = 1;
  for (int d = 0; d < s.rank; ++d) n *= s.shape[d];
  if (n == 0) return;
  if (elementBytes == 4)
    stridedCopyKernel<uint32_t><<<blocksFor(n), kThreads, 0, stream()>>>(static_cast<const uint32_t*>(x), static_cast<uint32_t*>(y), s, n);
  else
    stridedCopyKernel<uint8_t><<<blocksFor(n), kThreads, 0, stream()>>>(static_cast<const uint8_t*>(x), static_cast<uint8_t*>(y), s, n);
  checkLaunch("stridedCopyKernel");
}

void launchFill(void* y, int64_t n, uint32_t bits) {
  if (n == 0) return;
  fillKernel<<<blocksFor(n), kThreads, 0, stream()>>>(static_cast<uint32_t*>(y), n, bits);
  checkLaunch("fillKernel");
}

void launchCast(const void* x, int32_t fromType, void* y, int32_t toType, int64_t n) {
  if (n == 0) return;
  castKernel<<<blocksFor(n), kThreads, 0, stream()>>>(x, fromType, y, toType, n);
  checkLaunch("castKernel");
}

void launchSgdUpdate(float* w, const float* g, float* v, int64_t n, float lr, float momentum, bool nesterov) {
  if (n == 0) return;
  sgdKernel<<<blocksFor(n), kThreads, 0, stream()>>>(w, g, v, n, lr, momentum, nesterov);
  checkLaunch("sgdKernel");
}

}  // namespace fedkern::gpu
