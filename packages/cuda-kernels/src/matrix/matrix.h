// Pure C++ kernels of @fedloge/cuda-kernels: no Node-API types here, so the math can be compiled, tested and reused
// without Node. Every kernel trusts its inputs: sizes, index ranges and finiteness are checked by the TypeScript
// wrapper (src/*.ts) and, for memory safety, again by the binding (src/binding/*.cc).
//
// Layout conventions: every matrix is dense row-major float32 unless it is a CsrView. The rows of a sparse projection
// matrix S are its outputs ("classes"): S is [classes x dim], so logits = f · Sᵀ + b (the PyTorch nn.Linear convention).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace fedkern {

/// Read-only view of a sparse [rows x cols] float32 matrix in CSR layout: the non-zeros of row r are
/// values[rowPtr[r] .. rowPtr[r+1]) at columns colIdx[same range]. rowPtr has rows+1 entries, rowPtr[0] = 0.
struct CsrView {
  int32_t rows = 0;
  int32_t cols = 0;
  const int32_t* rowPtr = nullptr;
  const int32_t* colIdx = nullptr;
  const float* values = nullptr;
  int32_t nnz() const { return rows > 0 ? rowPtr[rows] : 0; }
};

// ---------------------------------------------------------------------------------------------------------------
// CPU kernels (src/matrix/*.cc). Multi-threaded over rows / batch when the work is large (see parallel.h).
// ---------------------------------------------------------------------------------------------------------------

/// (a) Sparse row projection (CSR linear layer) forward: logits[B,C] = f[B,d] · Sᵀ + bias, with S [C,d] sparse (CSR over classes).
/// bias may be null (treated as zeros). Accumulates in double.
void csrProjectForwardCpu(const float* f, int32_t batch, const CsrView& s, const float* bias, float* logits);

/// (b) Its backward wrt the features (S is constant): gradF[B,d] = gradLogits[B,C] · S.
void csrProjectBackwardCpu(const float* gradLogits, int32_t batch, const CsrView& s, float* gradF);

/// (c) Fused softmax cross-entropy on logits = f·Sᵀ + b: returns the mean loss over the batch
/// (1/B)·Σ_b [logsumexp(logits_b) − logits_b[label_b]] and writes gradF[B,d] = ((softmax − onehot)/B) · S.
/// Log-sum-exp is shifted by the row maximum, so it is stable for any finite logits. An empty batch returns 0
/// (the sum over no samples divided by max(B,1)). labels must lie in [0, classes).
double csrCrossEntropyCpu(const float* f, int32_t batch, const CsrView& s, const float* bias, const int32_t* labels, float* gradF);

/// (d) Row renormalisation: out[r,:] = scale · w[r,:] / ‖w[r,:]‖₂.
/// Rows with zero norm stay zero. out may alias w (in place).
void renormRowsCpu(const float* w, int32_t rows, int32_t cols, float scale, float* out);

/// (e) Row-norm matching, batched over `clients` blocks: the rows of g keep their direction and take the norms of each
/// block's rows,
/// out[k,c,:] = g[c,:] · ‖locals[k,c,:]‖₂ for k < clients, c < classes. When masked is non-null ([clients x classes],
/// non-zero = masked, the masked_fill convention), masked rows are filled with maskedValue instead
/// (the caller's choice: the package gives no meaning to a masked row).
void matchRowNormsCpu(const float* g, int32_t classes, int32_t dim, const float* locals, int32_t clients, const uint8_t* masked,
                      float maskedValue, float* out);

// ---------------------------------------------------------------------------------------------------------------
// CUDA kernels (src/matrix/*.cu; src/matrix/cuda_unavailable.cc when built without CUDA). Same contracts and
// host pointers as the CPU versions: each call copies its inputs to device 0, runs, and copies the results back.
// They throw std::runtime_error("CUDA unavailable: <reason>") when no usable device exists, and
// std::runtime_error("<call>: <cudaError name>: <text>") on any CUDA failure. Accumulation is in float.
// ---------------------------------------------------------------------------------------------------------------

/// What the CUDA runtime says about this machine; never throws.
struct CudaInfo {
  bool compiled = false;                 ///< built with CUDA kernels at all
  bool available = false;                ///< compiled and at least one device usable
  int devices = 0;                       ///< number of visible devices
  std::vector<std::string> deviceNames;  ///< "NVIDIA H100 80GB HBM3 (sm_90)" per device
  std::string error;                     ///< why not available ("" when available)
};
CudaInfo cudaInfo();

void csrProjectForwardCuda(const float* f, int32_t batch, const CsrView& s, const float* bias, float* logits);
void csrProjectBackwardCuda(const float* gradLogits, int32_t batch, const CsrView& s, float* gradF);
double csrCrossEntropyCuda(const float* f, int32_t batch, const CsrView& s, const float* bias, const int32_t* labels, float* gradF);
void renormRowsCuda(const float* w, int32_t rows, int32_t cols, float scale, float* out);
void matchRowNormsCuda(const float* g, int32_t classes, int32_t dim, const float* locals, int32_t clients, const uint8_t* masked,
                       float maskedValue, float* out);

}  // namespace fedkern
