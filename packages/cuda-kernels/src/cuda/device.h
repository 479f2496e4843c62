// The `cuda` tfjs backend's device side, as plain C++ (no CUDA types): device status, device buffers named by integer
// handles (a table in device.cu over the caching allocator), copies, and the kernel launchers. Everything runs on one
// CUDA stream in issue order; only downloads and synchronize() wait for it. Implemented by src/cuda/*.cu in CUDA
// builds and by src/cuda/unavailable.cc otherwise, where every call but deviceStatus() throws "built without CUDA".
//
// Errors are std::runtime_error (the binding turns them into JS Errors): an unknown handle, a buffer too small for
// the shape it is used with, out of memory (OutOfMemory from caching_allocator.h), or a CUDA failure with its name.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "caching_allocator.h"
#include "geometry.h"

namespace fedkern::gpu {

struct DeviceStatus {
  bool compiled = false;   ///< this build has the CUDA backend
  bool available = false;  ///< and device 0 is usable
  std::string reason;      ///< why not ("" when available)
  std::string deviceName;  ///< "NVIDIA H200 (sm_90)"
  int computeMajor = 0, computeMinor = 0;
  double totalMemoryBytes = 0;
  bool tensorCores = false;   ///< sm_80+: TF32 WMMA paths are used
  std::string architectures;  ///< the SASS/PTX targets compiled in, e.g. "80 86 89 90 90a"
};
/// Probes device 0 once per process; never throws.
DeviceStatus deviceStatus();

using Handle = uint64_t;

/// A new device buffer of at least `bytes` (uninitialised); returns its handle.
Handle deviceAlloc(size_t bytes);
/// Returns the buffer to the allocator's cache (stream-ordered: kernels already queued may still read it).
void deviceFree(Handle h);
/// Requested size of a live buffer; throws for an unknown handle.
size_t deviceBytes(Handle h);
/// Device pointer of a live buffer that must hold at least `bytes`; throws naming `what` otherwise.
void* devicePointer(Handle h, size_t bytes, const char* what);

/// Host → device (waits for the copy: the host memory belongs to JS).
void deviceUpload(Handle h, const void* src, size_t bytes);
/// Device → host, after all queued work.
void deviceDownload(Handle h, void* dst, size_t bytes);
/// Waits for all queued work; throws the first asynchronous error.
void synchronize();

struct DeviceMemoryStats {
  AllocatorStats allocator;
  uint64_t liveHandles = 0;
};
DeviceMemoryStats deviceMemoryStats();
/// Frees the allocator's cache back to the device.
void deviceTrim();

/// TF32 tensor cores for GEMM and convolution on sm_80+ (default on; FEDKERN_CUDA_TF32=0 turns it off).
void setTf32(bool enabled);
bool tf32Enabled();

/// Deterministic mode (default off; FEDKERN_CUDA_DETERMINISTIC=1 turns it on): no split-K GEMM (whose chunks add in
/// whatever order the atomics land) and a gather max-pool gradient instead of atomicAdd scatter, so a run gives the
/// same bits every time, at some speed cost for long-K products such as the filter gradient.
void setDeterministic(bool enabled);
bool deterministicEnabled();

/// The first sticky CUDA error of the process ("" while none). Once set, every call but deviceFree() throws
/// "CUDA device lost: <that error> …": the context is gone, so the run must fail with its cause, not cascade.
std::string lostReason();

// ---- kernels: pointers are device pointers from devicePointer(); all launches are asynchronous ----

enum class UnaryOp : int32_t {
  kNeg = 0,
  kAbs,
  kExp,
  kLog,
  kSqrt,
  kRsqrt,
  kSquare,
  kRelu,
  kRelu6,
  kSigmoid,
  kTanh,
  kReciprocal,
  kSign,
  kFloor,
  kCeil,
  kStep,
  kLeakyRelu,
  kClip,
  kElu,
  kSoftplus,
  kLog1p,
  kExpm1,
  kSin,
  kCos,
  kIdentity,
  kScale,
  kCount
};
/// y = op(x) (float32); alpha: Step's value at x ≤ 0 / LeakyRelu's slope / Clip's min / Scale's factor; beta: Clip's max.
void launchUnary(UnaryOp op, const float* x, float* y, int64_t n, float alpha, float beta);

enum class BinaryOp : int32_t {
  kAdd = 0,
  kSub,
  kMul,
  kDiv,
  kMax,
  kMin,
  kPow,
  kSquaredDifference,
  kReluGrad,
  kEluGrad,
  kGreater,
  kGreaterEqual,
  kLess,
  kLessEqual,
  kEqual,
  kNotEqual,  // comparisons write uint8 (bool)
  kCount
};
/// out = op(a, b) with broadcasting (g.shape is the output shape). Comparison ops write uint8.
void launchBinary(BinaryOp op, const float* a, const float* b, void* out, const BroadcastGeometry& g);
inline bool isComparison(BinaryOp op) { return op >= BinaryOp::kGreater; }

/// Strided copy of 1-, 4- element types (elementBytes 1 or 4): transpose, broadcast, slice, concatenation pieces.
void launchStridedCopy(const void* x, void* y, const StridedCopy& s, int32_t elementBytes);
/// y[i] = value (float32 or int32 bits).
void launchFill(void* y, int64_t n, uint32_t bits);
/// Element type conversion between float32 (0), int32 (1) and bool/uint8 (2).
void launchCast(const void* x, int32_t fromType, void* y, int32_t toType, int64_t n);

enum class ReduceOp : int32_t { kSum = 0, kMean, kMax, kMin, kProd, kCount };
/// y[r] = reduce(x[r, 0 .. inner)) for r < outer (the reduced axes are innermost: the caller transposes first).
void launchReduce(ReduceOp op, const float* x, float* y, int64_t outer, int64_t inner);

/// C[b] = op(A[b]) · op(B[b]) for b < batch: A is [M×K] (or [K×M] when transposeA), B [K×N] (or [N×K]). aBatchStride /
/// bBatchStride are 0 to broadcast one matrix across the batch. C is dense [batch, M, N].
void launchBatchMatMul(const float* a, const float* b, float* c, int64_t batch, int64_t m, int64_t n, int64_t k, bool transposeA,
                       bool transposeB, int64_t aBatchStride, int64_t bBatchStride);

/// Implicit-GEMM convolution (NHWC / HWIO): y = conv(x, w); dx = conv⁻ᵀ(dy, w); dw = x ⋆ dy.
void launchConvForward(const ConvGeometry& g, const float* x, const float* w, float* y);
void launchConvBackwardData(const ConvGeometry& g, const float* dy, const float* w, float* dx);
void launchConvBackwardFilter(const ConvGeometry& g, const float* x, const float* dy, float* dw);

/// Max pooling forward, and its gradient (dx = 0, then each dy added at its window's argmax in x).
void launchMaxPool(const PoolGeometry& g, const float* x, float* y);
void launchMaxPoolGrad(const PoolGeometry& g, const float* x, const float* dy, float* dx);

/// Fused SGD with momentum, in place: v = momentum·v + g; w −= lr·(nesterov ? g + momentum·v : v). With momentum 0,
/// v may be null: w −= lr·g.
void launchSgdUpdate(float* w, const float* g, float* v, int64_t n, float lr, float momentum, bool nesterov);

}  // namespace fedkern::gpu
