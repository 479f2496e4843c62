// Elementwise float32 kernels of the native backend: unary maps, binary maps and comparisons with NumPy
// broadcasting, and dtype casts. Semantics (NaN included) follow tfjs-cpu's JavaScript kernels, which compute in
// double and round to float32 once; for + − × ÷ and √ float32 arithmetic rounds to the same value.
#pragma once

#include <cstdint>

#include "broadcast.h"

namespace fedkern::native {

enum class UnaryOp { Relu, Step, Square, Sqrt, Rsqrt, Exp, Log, Neg, Abs, Reciprocal, Sigmoid, Tanh };
enum class BinaryOp { Add, Sub, Mul, Div, Maximum, Minimum, Pow, SquaredDifference };
enum class CompareOp { Equal, NotEqual, Greater, GreaterEqual, Less, LessEqual };

/// out[i] = op(x[i]); `alpha` is Step's value for x ≤ 0. `out` may be `x` (each element is read before written).
void unaryF32(UnaryOp op, const float* x, int64_t n, float alpha, float* out);

/// out = op(a, b) with a of shape aShape and b of shape bShape broadcast to outShape.
void binaryF32(BinaryOp op, const float* a, const Shape& aShape, const float* b, const Shape& bShape, float* out, const Shape& outShape);

/// out = (a op b) as 0/1 bytes, broadcasting as binaryF32.
void compareF32(CompareOp op, const float* a, const Shape& aShape, const float* b, const Shape& bShape, uint8_t* out,
                const Shape& outShape);

/// out = cond ? t : e elementwise (cond, t, e and out all of n elements).
void selectF32(const uint8_t* cond, const float* t, const float* e, int64_t n, float* out);

/// Casts with JavaScript semantics: float → int32 truncates toward zero and wraps modulo 2³² (NaN, ±∞ → 0, as
/// Int32Array.from); → bool is x ≠ 0 (NaN → 1).
void castF32ToI32(const float* x, int64_t n, int32_t* out);
void castF32ToBool(const float* x, int64_t n, uint8_t* out);
void castI32ToF32(const int32_t* x, int64_t n, float* out);
void castI32ToBool(const int32_t* x, int64_t n, uint8_t* out);
void castBoolToF32(const uint8_t* x, int64_t n, float* out);
void castBoolToI32(const uint8_t* x, int64_t n, int32_t* out);

}  // namespace fedkern::native
