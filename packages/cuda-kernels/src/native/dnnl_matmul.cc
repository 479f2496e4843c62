#include "dnnl_matmul.h"

#include <array>
#include <map>
#include <stdexcept>

#ifdef FEDKERN_HAS_DNNL
#include "dnnl_context.h"
#endif

namespace fedkern::native {

std::string matMulGeometryError(const MatMulGeometry& g) {
  if (g.batchA < 1 || g.batchB < 1 || g.m < 1 || g.k < 1 || g.n < 1) return "batches, m, k and n must be ≥ 1";
  if (g.batchA != g.batchB && g.batchA != 1 && g.batchB != 1)
    return "batches " + std::to_string(g.batchA) + " and " + std::to_string(g.batchB) + " must be equal or one of them 1";
  return "";
}

#ifdef FEDKERN_HAS_DNNL

namespace {

using dnnl::memory;
namespace ctx = dnnl_ctx;

using Key = std::array<int32_t, 7>;

struct MatMulPrimitive {
  dnnl::matmul prim;
  memory a, b, c;
};

/// Row-major [batch, rows, cols] as dims, stored transposed (cols × rows) when `transposed`.
memory::desc matrixDesc(int32_t batch, int32_t rows, int32_t cols, bool transposed) {
  const memory::dims dims = {batch, rows, cols};
  const memory::dims strides = transposed ? memory::dims{int64_t{rows} * cols, 1, rows} : memory::dims{int64_t{rows} * cols, cols, 1};
  return memory::desc(dims, memory::data_type::f32, strides);
}

MatMulPrimitive build(const MatMulGeometry& g) {
  const memory::desc a = matrixDesc(g.batchA, g.m, g.k, g.transposeA);
  const memory::desc b = matrixDesc(g.batchB, g.k, g.n, g.transposeB);
  const memory::desc c = matrixDesc(g.batch(), g.m, g.n, false);
  // Plain layouts straight on the user's memory: both operands change every call (activations, weights being
  // trained), so a reorder into a blocked weight layout would cost as much as it saves.
  dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(a, b, c), ctx::engine());
  return {dnnl::matmul(pd), memory(a, ctx::engine(), DNNL_MEMORY_NONE), memory(b, ctx::engine(), DNNL_MEMORY_NONE),
          memory(c, ctx::engine(), DNNL_MEMORY_NONE)};
}

}  // namespace

void batchMatMul(const MatMulGeometry& g, const float* a, const float* b, float* c) {
  const std::string error = matMulGeometryError(g);
  if (!error.empty()) throw std::invalid_argument("batchMatMul: " + error);
  ctx::engine();  // the thread's engine first, so that it outlives the primitives cached below
  thread_local std::map<Key, MatMulPrimitive> cache;
  const Key key = {g.batchA, g.batchB, g.m, g.k, g.n, g.transposeA, g.transposeB};
  auto it = cache.find(key);
  if (it == cache.end()) it = cache.emplace(key, build(g)).first;
  MatMulPrimitive& p = it->second;
  p.a.set_data_handle(const_cast<float*>(a));
  p.b.set_data_handle(const_cast<float*>(b));
  p.c.set_data_handle(c);
  p.prim.execute(ctx::stream(), {{DNNL_ARG_SRC, p.a}, {DNNL_ARG_WEIGHTS, p.b}, {DNNL_ARG_DST, p.c}});
  ctx::stream().wait();
}

#else  // no oneDNN in this build

void batchMatMul(const MatMulGeometry&, const float*, const float*, float*) {
  throw std::runtime_error("batchMatMul: fedkern.node was built without oneDNN (libdnnl-dev)");
}

#endif  // FEDKERN_HAS_DNNL

}  // namespace fedkern::native
