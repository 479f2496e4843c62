// The convolutions of the small CNN and ResNet-8 (batch 32 by default) on oneDNN alone, one primitive per pass and
// layout choice, to see what the native backend's per-call reorders cost and which layout is cheapest end to end:
//   floor    blocked layouts oneDNN picks (format_tag::any everywhere), operands already in them: the primitive only
//   blocked  the same primitive with the reorders NHWC/HWIO ↔ blocked around it (what the backend did per call)
//   nhwc     activations NHWC as tfjs stores them, weights in the layout oneDNN picks (only the weights reorder)
//   plain    NHWC activations and HWIO weights as given (no reorder; oneDNN's GEMM-based path)
// Then the step's matmuls (plain, as oneDNN's matmul takes them) and the floor per step: blocked convolutions without
// reorders plus matmuls, the oneDNN primitives a step cannot do without (bench-train --floor prints the step against it).
// Prints ms per call (minimum over repeats) per pass and the per-step sum of each column, and the implementation oneDNN
// chose (a name starting with "ref" would be oneDNN's slow reference code). Build and run (no Node needed):
//   g++ -O2 -std=c++17 harness/conv_layouts.cc -ldnnl -o /tmp/conv_layouts && OMP_NUM_THREADS=1 /tmp/conv_layouts [batch] [ms]
// ms: how long each measurement repeats (default 150; src/conv-layouts-harness.test.ts runs batch 2 for 1 ms).
#include <dnnl.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

using dnnl::memory;
using tag = memory::format_tag;
using dt = memory::data_type;

namespace {

dnnl::engine eng(dnnl::engine::kind::cpu, 0);
dnnl::stream strm(eng);
double gMinMs = 150;

struct Shape {
  const char* name;
  int n, h, w, ic, oc, k, stride, pad;
  int times;        // how often a step runs this convolution
  bool firstLayer;  // no input gradient
};

double minMs(const std::function<void()>& fn) {
  for (int i = 0; i < 3; ++i) fn();
  double best = 1e30;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0;; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    fn();
    const auto t1 = std::chrono::steady_clock::now();
    best = std::min(best, std::chrono::duration<double, std::milli>(t1 - t0).count());
    if (i >= 10 && std::chrono::duration<double, std::milli>(t1 - start).count() > gMinMs) break;
  }
  return best;
}

memory filled(const memory::desc& d) {
  memory m(d, eng);
  float* p = static_cast<float*>(m.get_data_handle());
  for (size_t i = 0; i < d.get_size() / sizeof(float); ++i) p[i] = static_cast<float>((i * 7919) % 17) / 17.0f - 0.5f;
  return m;
}

enum class Mode { Floor, Blocked, Nhwc, Plain };
enum class Pass { Fwd, BwdData, BwdWeights };

/// ms per call of `pass` of `s` in `mode`; `impl` gets oneDNN's implementation name.
double run(const Shape& s, Pass pass, Mode mode, std::string& impl) {
  const int oh = (s.h + 2 * s.pad - s.k) / s.stride + 1, ow = (s.w + 2 * s.pad - s.k) / s.stride + 1;
  const memory::dims srcD = {s.n, s.ic, s.h, s.w}, weiD = {s.oc, s.ic, s.k, s.k}, dstD = {s.n, s.oc, oh, ow};
  const memory::dims strides = {s.stride, s.stride}, dil = {0, 0}, pad = {s.pad, s.pad};
  const memory::desc uSrc(srcD, dt::f32, tag::nhwc), uWei(weiD, dt::f32, tag::hwio), uDst(dstD, dt::f32, tag::nhwc);
  const bool actAny = mode == Mode::Floor || mode == Mode::Blocked;
  const bool weiAny = mode != Mode::Plain;
  const memory::desc src = actAny ? memory::desc(srcD, dt::f32, tag::any) : uSrc;
  const memory::desc dst = actAny ? memory::desc(dstD, dt::f32, tag::any) : uDst;
  const memory::desc wei = weiAny ? memory::desc(weiD, dt::f32, tag::any) : uWei;
  dnnl::convolution_forward::primitive_desc fwd(
      {dnnl::prop_kind::forward_training, dnnl::algorithm::convolution_direct, src, wei, dst, strides, dil, pad, pad}, eng);
  dnnl::primitive prim;
  // The three operands: inner desc (the primitive's), user desc, arg, input?
  struct Op {
    memory::desc inner, user;
    int arg;
    bool input;
  };
  std::array<Op, 3> ops;
  if (pass == Pass::Fwd) {
    prim = dnnl::convolution_forward(fwd);
    impl = fwd.impl_info_str();
    ops = {Op{fwd.src_desc(), uSrc, DNNL_ARG_SRC, true}, Op{fwd.weights_desc(), uWei, DNNL_ARG_WEIGHTS, true},
           Op{fwd.dst_desc(), uDst, DNNL_ARG_DST, false}};
  } else if (pass == Pass::BwdData) {
    dnnl::convolution_backward_data::primitive_desc pd({dnnl::algorithm::convolution_direct, src, wei, dst, strides, dil, pad, pad}, eng,
                                                       fwd);
    prim = dnnl::convolution_backward_data(pd);
    impl = pd.impl_info_str();
    ops = {Op{pd.diff_dst_desc(), uDst, DNNL_ARG_DIFF_DST, true}, Op{pd.weights_desc(), uWei, DNNL_ARG_WEIGHTS, true},
           Op{pd.diff_src_desc(), uSrc, DNNL_ARG_DIFF_SRC, false}};
  } else {
    dnnl::convolution_backward_weights::primitive_desc pd({dnnl::algorithm::convolution_direct, src, wei, dst, strides, dil, pad, pad}, eng,
                                                          fwd);
    prim = dnnl::convolution_backward_weights(pd);
    impl = pd.impl_info_str();
    ops = {Op{pd.src_desc(), uSrc, DNNL_ARG_SRC, true}, Op{pd.diff_dst_desc(), uDst, DNNL_ARG_DIFF_DST, true},
           Op{pd.diff_weights_desc(), uWei, DNNL_ARG_DIFF_WEIGHTS, false}};
  }
  std::unordered_map<int, memory> args;
  std::vector<std::function<void()>> before, after;
  for (const Op& op : ops) {
    memory inner = filled(op.inner);
    args[op.arg] = inner;
    if (mode == Mode::Floor || op.inner == op.user) continue;
    memory user = filled(op.user);
    if (op.input) {
      dnnl::reorder r(user, inner);
      before.push_back([r, user, inner]() mutable { r.execute(strm, user, inner); });
    } else {
      dnnl::reorder r(inner, user);
      after.push_back([r, user, inner]() mutable { r.execute(strm, inner, user); });
    }
  }
  return minMs([&]() {
    for (auto& f : before) f();
    prim.execute(strm, args);
    for (auto& f : after) f();
    strm.wait();
  });
}

/// A matmul of the step, y[M,N] = a[M,K]·b[K,N], with a stored [K,M] (transA) and b stored [N,K] (transB) where tfjs
/// passes them transposed. oneDNN's matmul takes such strided plain layouts directly, so its floor is the call itself.
struct MatMul {
  const char* name;
  int m, k, n;
  bool transA, transB;
};

double runMatMul(const MatMul& mm, std::string& impl) {
  const memory::desc a({mm.m, mm.k}, dt::f32, mm.transA ? tag::ba : tag::ab);
  const memory::desc b({mm.k, mm.n}, dt::f32, mm.transB ? tag::ba : tag::ab);
  const memory::desc c({mm.m, mm.n}, dt::f32, tag::ab);
  dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(a, b, c), eng);
  impl = pd.impl_info_str();
  dnnl::matmul prim(pd);
  std::unordered_map<int, memory> args = {{DNNL_ARG_SRC, filled(a)}, {DNNL_ARG_WEIGHTS, filled(b)}, {DNNL_ARG_DST, filled(c)}};
  return minMs([&]() {
    prim.execute(strm, args);
    strm.wait();
  });
}

/// Forward, input gradient (unless the layer is the first) and weight gradient of a linear layer x[B,in]·Wᵀ, W [out,in].
std::vector<MatMul> linear(const char* name, int b, int in, int out) {
  return {{name, b, in, out, false, true}, {name, b, out, in, false, false}, {name, out, b, in, true, false}};
}

}  // namespace

int main(int argc, char** argv) {
  const int b = argc > 1 ? std::atoi(argv[1]) : 32;
  if (argc > 2) gMinMs = std::atof(argv[2]);
  if (b < 1 || !(gMinMs >= 0)) {
    std::fprintf(stderr, "usage: conv_layouts [batch ≥ 1] [ms per measurement ≥ 0]\n");
    return 2;
  }
  const std::vector<std::pair<const char*, std::vector<Shape>>> models = {
      {"cnn", {{"conv1 28²×1→32", b, 28, 28, 1, 32, 3, 1, 1, 1, true}, {"conv2 14²×32→64", b, 14, 14, 32, 64, 3, 1, 1, 1, false}}},
      {"resnet8",
       {{"stem 32²×3→16", b, 32, 32, 3, 16, 3, 1, 1, 1, true},
        {"l1 32²×16→16", b, 32, 32, 16, 16, 3, 1, 1, 2, false},
        {"l2.c1 32²×16→32 s2", b, 32, 32, 16, 32, 3, 2, 1, 1, false},
        {"l2.c2 16²×32→32", b, 16, 16, 32, 32, 3, 1, 1, 1, false},
        {"l2.sc 1×1 16→32 s2", b, 32, 32, 16, 32, 1, 2, 0, 1, false},
        {"l3.c1 16²×32→64 s2", b, 16, 16, 32, 64, 3, 2, 1, 1, false},
        {"l3.c2 8²×64→64", b, 8, 8, 64, 64, 3, 1, 1, 1, false},
        {"l3.sc 1×1 32→64 s2", b, 16, 16, 32, 64, 1, 2, 0, 1, false}}},
  };
  const std::vector<std::vector<MatMul>> matmuls = {[&] {
                                                      auto fc = linear("fc 3136→128", b, 3136, 128),
                                                           head = linear("head 128→10", b, 128, 10);
                                                      fc.insert(fc.end(), head.begin(), head.end());
                                                      return fc;
                                                    }(),
                                                    linear("head 64→10", b, 64, 10)};
  const Mode modes[] = {Mode::Floor, Mode::Blocked, Mode::Nhwc, Mode::Plain};
  const char* passNames[] = {"fwd", "dx", "dW"};
  std::printf("batch %d, ms per call (min); columns: floor blocked nhwc plain; impl of floor / nhwc\n", b);
  for (size_t mi = 0; mi < models.size(); ++mi) {
    const auto& [model, shapes] = models[mi];
    double total[4] = {0, 0, 0, 0};
    std::printf("\n%s\n", model);
    for (const Shape& s : shapes)
      for (int p = 0; p < 3; ++p) {
        if (p == 1 && s.firstLayer) continue;
        double ms[4];
        std::string impl[4];
        for (int m = 0; m < 4; ++m) {
          ms[m] = run(s, static_cast<Pass>(p), modes[m], impl[m]);
          total[m] += s.times * ms[m];
        }
        std::printf("  %-22s %-3s x%d %8.3f %8.3f %8.3f %8.3f   %s / %s\n", s.name, passNames[p], s.times, ms[0], ms[1], ms[2], ms[3],
                    impl[0].c_str(), impl[2].c_str());
      }
    std::printf("  %-29s %8.2f %8.2f %8.2f %8.2f\n", "sum per step", total[0], total[1], total[2], total[3]);
    double matmulTotal = 0;
    for (size_t i = 0; i < matmuls[mi].size(); ++i) {
      const MatMul& mm = matmuls[mi][i];
      std::string impl;
      const double ms = runMatMul(mm, impl);
      matmulTotal += ms;
      std::printf("  %-22s %-3s matmul %8.3f   %s\n", mm.name, passNames[i % 3], ms, impl.c_str());
    }
    // The primitives-only floor of the step: what oneDNN needs for its convolutions and matmuls, nothing else.
    std::printf("  floor per step (convolutions in blocked layouts without reorders + matmuls): %.2f ms\n", total[0] + matmulTotal);
  }
  return 0;
}
