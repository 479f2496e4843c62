// Training-mode batch normalisation of the native backend (the FedBatchNormTrain / FedBatchNormTrainGrad kernels):
// x is viewed as an [m, c] row-major matrix (NHWC with m = N·H·W), statistics are per column.
#pragma once

#include <cstdint>

namespace fedkern::native {

/// y = γ·(x − μ)/√(σ² + ε) + β with μ, σ² (biased) the column mean and variance of x [m, c].
/// Writes y [m, c], mean [c], variance [c]. m ≥ 1.
void batchNormTrainForward(const float* x, int64_t m, int64_t c, const float* gamma, const float* beta, float eps, float* y, float* mean,
                           float* variance);

/// The gradients of batchNormTrainForward from its input and statistics: with x̂ = (x − μ)/√(σ² + ε),
/// dβ = Σ dy, dγ = Σ dy·x̂, dx = γ/√(σ² + ε)·(dy − dβ/m − x̂·dγ/m). Writes dx [m, c], dGamma [c], dBeta [c].
void batchNormTrainBackward(const float* dy, const float* x, int64_t m, int64_t c, const float* gamma, const float* mean,
                            const float* variance, float eps, float* dx, float* dGamma, float* dBeta);

}  // namespace fedkern::native
