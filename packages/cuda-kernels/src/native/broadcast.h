// NumPy broadcasting of two row-major operands to one output, reduced to the fewest dimensions: size-1 output
// dimensions are dropped and neighbours that both operands walk contiguously (or both repeat) are merged. After that
// the innermost dimension has stride 1 or 0 in each operand, so the inner loop is one of four plain vector loops.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace fedkern::native {

using Shape = std::vector<int64_t>;

inline int64_t sizeOf(const Shape& shape) {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

inline std::string shapeString(const Shape& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

/// The NumPy broadcast of two shapes; throws std::invalid_argument when they are incompatible.
inline Shape broadcastShape(const Shape& a, const Shape& b) {
  const size_t rank = std::max(a.size(), b.size());
  Shape out(rank);
  for (size_t i = 0; i < rank; ++i) {
    const int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    const int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1)
      throw std::invalid_argument("shapes " + shapeString(a) + " and " + shapeString(b) + " do not broadcast");
    out[i] = da == 1 ? db : da;
  }
  return out;
}

/// Output dimensions and each operand's element strides over them (0 where the operand repeats).
struct BroadcastPlan {
  Shape dims;
  std::vector<Shape> strides;  // one per operand
};

/// Plans the walk of `operands` (each broadcastable to `out`) over `out`.
inline BroadcastPlan planBroadcast(const std::vector<Shape>& operands, const Shape& out) {
  const size_t rank = out.size(), count = operands.size();
  std::vector<Shape> full(count, Shape(rank, 0));
  for (size_t k = 0; k < count; ++k) {
    const Shape& s = operands[k];
    if (s.size() > rank)
      throw std::invalid_argument("operand " + shapeString(s) + " has a higher rank than the output " + shapeString(out));
    int64_t stride = 1;
    for (size_t j = rank; j-- > 0;) {
      const int64_t d = j < rank - s.size() ? 1 : s[j - (rank - s.size())];
      if (d != out[j] && d != 1) throw std::invalid_argument("operand " + shapeString(s) + " does not broadcast to " + shapeString(out));
      full[k][j] = d == 1 ? 0 : stride;
      stride *= d;
    }
  }
  BroadcastPlan plan{{}, std::vector<Shape>(count)};
  for (size_t j = 0; j < rank; ++j) {
    if (out[j] == 1) continue;
    bool merge = !plan.dims.empty();
    for (size_t k = 0; merge && k < count; ++k) merge = plan.strides[k].back() == full[k][j] * out[j];
    if (merge) {
      plan.dims.back() *= out[j];
      for (size_t k = 0; k < count; ++k) plan.strides[k].back() = full[k][j];
    } else {
      plan.dims.push_back(out[j]);
      for (size_t k = 0; k < count; ++k) plan.strides[k].push_back(full[k][j]);
    }
  }
  if (plan.dims.empty()) {  // a scalar output
    plan.dims.push_back(1);
    for (size_t k = 0; k < count; ++k) plan.strides[k].push_back(0);
  }
  return plan;
}

/// Element offsets of each operand at the start of output row `row` (all dimensions but the innermost).
inline void rowOffsets(const BroadcastPlan& plan, int64_t row, int64_t* offsets) {
  const size_t count = plan.strides.size();
  for (size_t k = 0; k < count; ++k) offsets[k] = 0;
  for (size_t j = plan.dims.size() - 1; j-- > 0;) {
    const int64_t i = row % plan.dims[j];
    row /= plan.dims[j];
    for (size_t k = 0; k < count; ++k) offsets[k] += i * plan.strides[k][j];
  }
}

}  // namespace fedkern::native
