#include "dnnl_conv.h"

#include <array>
#include <map>
#include <stdexcept>

#ifdef FEDKERN_HAS_DNNL
#include "dnnl_context.h"
#endif

namespace fedkern::native {

Conv2dGeometry Conv2dGeometry::fromArray(const int32_t* v) {
  return {v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13], v[14], v[15], v[16]};
}

std::string conv2dGeometryError(const Conv2dGeometry& g) {
  const int32_t sizes[] = {g.batch,        g.inHeight,    g.inWidth,      g.inChannels,  g.outHeight,      g.outWidth,     g.outChannels,
                           g.filterHeight, g.filterWidth, g.strideHeight, g.strideWidth, g.dilationHeight, g.dilationWidth};
  for (int32_t s : sizes)
    if (s < 1) return "every size, stride and dilation must be ≥ 1";
  if (g.padTop < 0 || g.padLeft < 0 || g.padBottom < 0 || g.padRight < 0) return "pads must be ≥ 0";
  // oneDNN's rule: out = (in + pad_l + pad_r − span) / stride + 1, span = (k − 1)·dilation + 1 (integer division).
  auto expected = [](int64_t in, int64_t padA, int64_t padB, int64_t k, int64_t dilation, int64_t stride) -> int64_t {
    const int64_t reach = in + padA + padB - ((k - 1) * dilation + 1);
    return reach < 0 ? -1 : reach / stride + 1;
  };
  const int64_t oh = expected(g.inHeight, g.padTop, g.padBottom, g.filterHeight, g.dilationHeight, g.strideHeight);
  const int64_t ow = expected(g.inWidth, g.padLeft, g.padRight, g.filterWidth, g.dilationWidth, g.strideWidth);
  if (oh != g.outHeight || ow != g.outWidth)
    return "output " + std::to_string(g.outHeight) + "×" + std::to_string(g.outWidth) +
           " does not follow from the input, filter, pads and strides (expected " + std::to_string(oh) + "×" + std::to_string(ow) + ")";
  return "";
}

namespace {
thread_local ConvLayout tLayout = ConvLayout::Nhwc;
}

void setConvLayout(ConvLayout layout) { tLayout = layout; }
ConvLayout convLayout() { return tLayout; }

#ifdef FEDKERN_HAS_DNNL

namespace {

using dnnl::memory;
using tag = memory::format_tag;
using dt = memory::data_type;
namespace ctx = dnnl_ctx;

enum class Pass { Forward, BackwardInput, BackwardFilter };

using Key = std::array<int32_t, Conv2dGeometry::kFields + 2>;

Key keyOf(const Conv2dGeometry& g, Pass pass) {
  const int32_t* f = &g.batch;
  Key k{};
  for (int i = 0; i < Conv2dGeometry::kFields; ++i) k[i] = f[i];
  k[Conv2dGeometry::kFields] = static_cast<int32_t>(pass);
  k[Conv2dGeometry::kFields + 1] = static_cast<int32_t>(tLayout);
  return k;
}

/// oneDNN's descriptions of one convolution: the user's plain layouts, and `any` (or plain) for the primitive.
struct Descs {
  memory::desc userSrc, userWei, userDst, src, wei, dst;
  memory::dims strides, dilates, padL, padR;

  explicit Descs(const Conv2dGeometry& g) {
    const memory::dims srcDims = {g.batch, g.inChannels, g.inHeight, g.inWidth};
    const memory::dims weiDims = {g.outChannels, g.inChannels, g.filterHeight, g.filterWidth};
    const memory::dims dstDims = {g.batch, g.outChannels, g.outHeight, g.outWidth};
    userSrc = memory::desc(srcDims, dt::f32, tag::nhwc);
    userWei = memory::desc(weiDims, dt::f32, tag::hwio);
    userDst = memory::desc(dstDims, dt::f32, tag::nhwc);
    const bool blockedActivations = tLayout == ConvLayout::Blocked;
    const bool blockedWeights = tLayout != ConvLayout::Plain;
    src = blockedActivations ? memory::desc(srcDims, dt::f32, tag::any) : userSrc;
    wei = blockedWeights ? memory::desc(weiDims, dt::f32, tag::any) : userWei;
    dst = blockedActivations ? memory::desc(dstDims, dt::f32, tag::any) : userDst;
    strides = {g.strideHeight, g.strideWidth};
    dilates = {g.dilationHeight - 1, g.dilationWidth - 1};  // oneDNN counts the skipped elements: 0 = dense
    padL = {g.padTop, g.padLeft};
    padR = {g.padBottom, g.padRight};
  }

  dnnl::convolution_forward::primitive_desc forwardPd() const {
    dnnl::convolution_forward::desc d(dnnl::prop_kind::forward_training, dnnl::algorithm::convolution_direct, src, wei, dst, strides,
                                      dilates, padL, padR);
    return {d, ctx::engine()};
  }
};

/// A cached primitive with its three operands: two inputs (slots 0, 1) and one output (slot 2).
struct ConvPrimitive {
  dnnl::primitive prim;
  int argIn0, argIn1, argOut;
  ctx::Operand in0, in1, out;

  void run(const void* a, const void* b, void* c) {
    const dnnl::memory& ma = in0.prepareInput(a);
    const dnnl::memory& mb = in1.prepareInput(b);
    const dnnl::memory& mc = out.prepareOutput(c);
    prim.execute(ctx::stream(), {{argIn0, ma}, {argIn1, mb}, {argOut, mc}});
    out.finishOutput();
    ctx::stream().wait();
  }
};

ConvPrimitive build(const Conv2dGeometry& g, Pass pass) {
  const Descs d(g);
  const auto fwd = d.forwardPd();
  switch (pass) {
    case Pass::Forward:
      return {dnnl::convolution_forward(fwd),
              DNNL_ARG_SRC,
              DNNL_ARG_WEIGHTS,
              DNNL_ARG_DST,
              ctx::Operand(d.userSrc, fwd.src_desc(), true, 0),
              ctx::Operand(d.userWei, fwd.weights_desc(), true, 1),
              ctx::Operand(d.userDst, fwd.dst_desc(), false, 2)};
    case Pass::BackwardInput: {
      dnnl::convolution_backward_data::desc bd(dnnl::algorithm::convolution_direct, d.src, d.wei, d.dst, d.strides, d.dilates, d.padL,
                                               d.padR);
      dnnl::convolution_backward_data::primitive_desc pd(bd, ctx::engine(), fwd);
      return {dnnl::convolution_backward_data(pd),
              DNNL_ARG_DIFF_DST,
              DNNL_ARG_WEIGHTS,
              DNNL_ARG_DIFF_SRC,
              ctx::Operand(d.userDst, pd.diff_dst_desc(), true, 0),
              ctx::Operand(d.userWei, pd.weights_desc(), true, 1),
              ctx::Operand(d.userSrc, pd.diff_src_desc(), false, 2)};
    }
    case Pass::BackwardFilter: {
      dnnl::convolution_backward_weights::desc bd(dnnl::algorithm::convolution_direct, d.src, d.wei, d.dst, d.strides, d.dilates, d.padL,
                                                  d.padR);
      dnnl::convolution_backward_weights::primitive_desc pd(bd, ctx::engine(), fwd);
      return {dnnl::convolution_backward_weights(pd),
              DNNL_ARG_SRC,
              DNNL_ARG_DIFF_DST,
              DNNL_ARG_DIFF_WEIGHTS,
              ctx::Operand(d.userSrc, pd.src_desc(), true, 0),
              ctx::Operand(d.userDst, pd.diff_dst_desc(), true, 1),
              ctx::Operand(d.userWei, pd.diff_weights_desc(), false, 2)};
    }
  }
  throw std::logic_error("conv2d: unknown pass");
}

/// Primitives of the calling thread by geometry, pass and layout. A training run sees a handful of shapes, so the
/// cache is never trimmed.
ConvPrimitive& cached(const Conv2dGeometry& g, Pass pass) {
  const std::string error = conv2dGeometryError(g);
  if (!error.empty()) throw std::invalid_argument("conv2d: " + error);
  ctx::engine();  // the thread's engine first, so that it outlives the primitives cached below (thread exit order)
  thread_local std::map<Key, ConvPrimitive> cache;
  const Key key = keyOf(g, pass);
  auto it = cache.find(key);
  if (it == cache.end()) it = cache.emplace(key, build(g, pass)).first;
  return it->second;
}

}  // namespace

void conv2dForward(const Conv2dGeometry& g, const float* x, const float* w, float* y) { cached(g, Pass::Forward).run(x, w, y); }

void conv2dBackwardInput(const Conv2dGeometry& g, const float* dy, const float* w, float* dx) {
  cached(g, Pass::BackwardInput).run(dy, w, dx);
}

void conv2dBackwardFilter(const Conv2dGeometry& g, const float* x, const float* dy, float* dw) {
  cached(g, Pass::BackwardFilter).run(x, dy, dw);
}

#else  // no oneDNN in this build

namespace {
[[noreturn]] void unavailable() { throw std::runtime_error("conv2d: fedkern.node was built without oneDNN (libdnnl-dev)"); }
}  // namespace
void conv2dForward(const Conv2dGeometry&, const float*, const float*, float*) { unavailable(); }
void conv2dBackwardInput(const Conv2dGeometry&, const float*, const float*, float*) { unavailable(); }
void conv2dBackwardFilter(const Conv2dGeometry&, const float*, const float*, float*) { unavailable(); }

#endif  // FEDKERN_HAS_DNNL

}  // namespace fedkern::native
