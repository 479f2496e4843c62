#include "elementwise.h"

#include <cmath>
#include <limits>

#include "parallel_for.h"

namespace fedkern::native {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

template <typename F>
void mapUnary(const float* x, int64_t n, float* out, F f) {
  parallelChunks(n, kElementsPerTask, [&](int64_t begin, int64_t end) {
    const F op = f;  // a local copy: captured values (Step's alpha) then cannot alias out[], and the loop vectorises
    for (int64_t i = begin; i < end; ++i) out[i] = op(x[i]);
  });
}

/// One output row segment: the operands' innermost strides are 0 (repeat) or 1 (walk), four plain loops.
template <typename T, typename O, typename F>
inline void binaryRow(const T* a, int64_t sa, const T* b, int64_t sb, O* out, int64_t n, F f) {
  if (sa == 1 && sb == 1) {
    for (int64_t i = 0; i < n; ++i) out[i] = f(a[i], b[i]);
  } else if (sb == 1) {
    const T av = a[0];
    for (int64_t i = 0; i < n; ++i) out[i] = f(av, b[i]);
  } else if (sa == 1) {
    const T bv = b[0];
    for (int64_t i = 0; i < n; ++i) out[i] = f(a[i], bv);
  } else {
    const O v = f(a[0], b[0]);
    for (int64_t i = 0; i < n; ++i) out[i] = v;
  }
}

/// Walks the broadcast of a and b over outShape in tasks of whole rows (or pieces of one long row).
template <typename T, typename O, typename F>
void mapBinary(const T* a, const Shape& aShape, const T* b, const Shape& bShape, O* out, const Shape& outShape, F f) {
  if (sizeOf(outShape) == 0) return;
  const BroadcastPlan plan = planBroadcast({aShape, bShape}, outShape);
  const int64_t inner = plan.dims.back();
  const int64_t rows = sizeOf(plan.dims) / inner;
  const int64_t sa = plan.strides[0].back(), sb = plan.strides[1].back();
  if (inner >= kElementsPerTask) {
    const int64_t pieces = (inner + kElementsPerTask - 1) / kElementsPerTask;
    parallelChunks(rows * pieces, 1, [&](int64_t begin, int64_t end) {
      for (int64_t t = begin; t < end; ++t) {
        const int64_t row = t / pieces, from = (t % pieces) * kElementsPerTask, len = std::min(kElementsPerTask, inner - from);
        int64_t off[2];
        rowOffsets(plan, row, off);
        binaryRow(a + off[0] + from * sa, sa, b + off[1] + from * sb, sb, out + row * inner + from, len, f);
      }
    });
    return;
  }
  const int64_t grain = std::max<int64_t>(1, kElementsPerTask / inner);
  if (plan.dims.size() <= 2) {
    // The common [rows, C] ⊕ [C] / [rows, 1] / same-shape cases: row offsets without index arithmetic.
    const int64_t ra = plan.dims.size() == 2 ? plan.strides[0][0] : 0, rb = plan.dims.size() == 2 ? plan.strides[1][0] : 0;
    parallelChunks(rows, grain, [&](int64_t begin, int64_t end) {
      for (int64_t row = begin; row < end; ++row) binaryRow(a + row * ra, sa, b + row * rb, sb, out + row * inner, inner, f);
    });
    return;
  }
  parallelChunks(rows, grain, [&](int64_t begin, int64_t end) {
    for (int64_t row = begin; row < end; ++row) {
      int64_t off[2];
      rowOffsets(plan, row, off);
      binaryRow(a + off[0], sa, b + off[1], sb, out + row * inner, inner, f);
    }
  });
}

inline bool isNaN(float v) { return v != v; }

}  // namespace

void unaryF32(UnaryOp op, const float* x, int64_t n, float alpha, float* out) {
  switch (op) {
    // Math.max(0, x): NaN stays NaN.
    case UnaryOp::Relu: return mapUnary(x, n, out, [](float v) { return (v > 0.f || isNaN(v)) ? v : 0.f; });
    case UnaryOp::Step: return mapUnary(x, n, out, [alpha](float v) { return isNaN(v) ? v : (v > 0.f ? 1.f : alpha); });
    case UnaryOp::Square: return mapUnary(x, n, out, [](float v) { return v * v; });
    case UnaryOp::Sqrt: return mapUnary(x, n, out, [](float v) { return std::sqrt(v); });
    case UnaryOp::Rsqrt: return mapUnary(x, n, out, [](float v) { return static_cast<float>(1.0 / std::sqrt(static_cast<double>(v))); });
    case UnaryOp::Exp: return mapUnary(x, n, out, [](float v) { return std::exp(v); });
    case UnaryOp::Log: return mapUnary(x, n, out, [](float v) { return std::log(v); });
    case UnaryOp::Neg: return mapUnary(x, n, out, [](float v) { return -v; });
    case UnaryOp::Abs: return mapUnary(x, n, out, [](float v) { return std::fabs(v); });
    case UnaryOp::Reciprocal: return mapUnary(x, n, out, [](float v) { return 1.f / v; });
    case UnaryOp::Sigmoid:
      return mapUnary(x, n, out, [](float v) { return static_cast<float>(1.0 / (1.0 + std::exp(-static_cast<double>(v)))); });
    case UnaryOp::Tanh: return mapUnary(x, n, out, [](float v) { return std::tanh(v); });
  }
}

void binaryF32(BinaryOp op, const float* a, const Shape& aShape, const float* b, const Shape& bShape, float* out, const Shape& outShape) {
  switch (op) {
    case BinaryOp::Add: return mapBinary(a, aShape, b, bShape, out, outShape, [](float u, float v) { return u + v; });
    case BinaryOp::Sub: return mapBinary(a, aShape, b, bShape, out, outShape, [](float u, float v) { return u - v; });
    case BinaryOp::Mul: return mapBinary(a, aShape, b, bShape, out, outShape, [](float u, float v) { return u * v; });
    case BinaryOp::Div: return mapBinary(a, aShape, b, bShape, out, outShape, [](float u, float v) { return u / v; });
    // Math.max / Math.min: NaN if either operand is NaN.
    case BinaryOp::Maximum:
      return mapBinary(a, aShape, b, bShape, out, outShape,
                       [](float u, float v) { return (isNaN(u) || isNaN(v)) ? kNaN : (u > v ? u : v); });
    case BinaryOp::Minimum:
      return mapBinary(a, aShape, b, bShape, out, outShape,
                       [](float u, float v) { return (isNaN(u) || isNaN(v)) ? kNaN : (u < v ? u : v); });
    case BinaryOp::Pow:
      return mapBinary(a, aShape, b, bShape, out, outShape,
                       [](float u, float v) { return static_cast<float>(std::pow(static_cast<double>(u), static_cast<double>(v))); });
    case BinaryOp::SquaredDifference:
      return mapBinary(a, aShape, b, bShape, out, outShape, [](float u, float v) {
        const double d = static_cast<double>(u) - v;
        return static_cast<float>(d * d);
      });
  }
}

void compareF32(CompareOp op, const float* a, const Shape& aShape, const float* b, const Shape& bShape, uint8_t* out,
                const Shape& outShape) {
  auto run = [&](auto f) { mapBinary(a, aShape, b, bShape, out, outShape, f); };
  switch (op) {
    case CompareOp::Equal: return run([](float u, float v) -> uint8_t { return u == v; });
    case CompareOp::NotEqual: return run([](float u, float v) -> uint8_t { return u != v; });
    case CompareOp::Greater: return run([](float u, float v) -> uint8_t { return u > v; });
    case CompareOp::GreaterEqual: return run([](float u, float v) -> uint8_t { return u >= v; });
    case CompareOp::Less: return run([](float u, float v) -> uint8_t { return u < v; });
    case CompareOp::LessEqual: return run([](float u, float v) -> uint8_t { return u <= v; });
  }
}

void selectF32(const uint8_t* cond, const float* t, const float* e, int64_t n, float* out) {
  parallelChunks(n, kElementsPerTask, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) out[i] = cond[i] == 1 ? t[i] : e[i];
  });
}

namespace {
/// ECMAScript ToInt32: truncate, then wrap modulo 2³²; NaN and ±∞ give 0.
inline int32_t toInt32(float v) {
  if (v > -2147483648.f && v < 2147483648.f) return static_cast<int32_t>(v);
  if (!std::isfinite(v)) return 0;
  const double m = std::fmod(std::trunc(static_cast<double>(v)), 4294967296.0);
  const double wrapped = m < 0 ? m + 4294967296.0 : m;
  return static_cast<int32_t>(static_cast<uint32_t>(wrapped));
}
}  // namespace

void castF32ToI32(const float* x, int64_t n, int32_t* out) {
  parallelChunks(n, kElementsPerTask, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) out[i] = toInt32(x[i]);
  });
}
void castF32ToBool(const float* x, int64_t n, uint8_t* out) {
  parallelChunks(n, kElementsPerTask, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) out[i] = x[i] != 0.f;
  });
}
void castI32ToF32(const int32_t* x, int64_t n, float* out) {
  parallelChunks(n, kElementsPerTask, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) out[i] = static_cast<float>(x[i]);
  });
}
void castI32ToBool(const int32_t* x, int64_t n, uint8_t* out) {
  parallelChunks(n, kElementsPerTask, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) out[i] = x[i] != 0;
  });
}
void castBoolToF32(const uint8_t* x, int64_t n, float* out) {
  parallelChunks(n, kElementsPerTask, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) out[i] = static_cast<float>(x[i]);
  });
}
void castBoolToI32(const uint8_t* x, int64_t n, int32_t* out) {
  parallelChunks(n, kElementsPerTask, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) out[i] = x[i];
  });
}

}  // namespace fedkern::native
