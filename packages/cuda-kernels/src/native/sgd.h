// The multi-tensor SGD-momentum step of the native backend (the FedSgdMomentumUpdate kernel), PyTorch semantics.
#pragma once

#include <cstdint>

namespace fedkern::native {

/// One tensor of n elements: d = g + wd·w (d = g when wd = 0); with momentum μ > 0, v' = μ·v + d (v' = d when v is
/// null: the first step) and w' = w − lr·v'; with μ = 0, w' = w − lr·d and vOut is unused (may be null).
/// Each operation rounds to float in that order (no fused multiply-add), so the result equals the composite of
/// float32 tensor ops bit for bit. Outputs must not alias inputs.
void sgdMomentumUpdate(const float* w, const float* g, const float* v, int64_t n, float lr, float momentum, float weightDecay, float* wOut,
                       float* vOut);

}  // namespace fedkern::native
