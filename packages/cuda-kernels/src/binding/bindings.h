// The JS-facing functions of the addon, one binding file per kernel family. Signatures are documented on each
// definition; the typed TypeScript view of them is NativeAddon in src/load.ts.
#pragma once

#include <napi.h>

namespace fedkern::binding {

Napi::Value EtfProjectForward(const Napi::CallbackInfo& info);
Napi::Value EtfProjectBackward(const Napi::CallbackInfo& info);
Napi::Value EtfCrossEntropy(const Napi::CallbackInfo& info);
Napi::Value RenormRows(const Napi::CallbackInfo& info);
Napi::Value LocalRealign(const Napi::CallbackInfo& info);
Napi::Value CudaInfo(const Napi::CallbackInfo& info);

// Native tensor backend runtime (binding/runtime.cc).
Napi::Value AllocHostBuffer(const Napi::CallbackInfo& info);
Napi::Value HostMemoryStats(const Napi::CallbackInfo& info);
Napi::Value SetNumThreads(const Napi::CallbackInfo& info);
Napi::Value LibraryInfo(const Napi::CallbackInfo& info);

// Native backend: oneDNN convolutions, matmul, max pooling (binding/dnnl_conv.cc, dnnl_matmul.cc, max_pool.cc).
Napi::Value Conv2dForward(const Napi::CallbackInfo& info);
Napi::Value Conv2dBackwardInput(const Napi::CallbackInfo& info);
Napi::Value Conv2dBackwardFilter(const Napi::CallbackInfo& info);
Napi::Value SetConvLayout(const Napi::CallbackInfo& info);
// --- Fused training kernels of the native backend (binding/batch_norm.cc, binding/sgd.cc) ---
Napi::Value BatchNormTrainForward(const Napi::CallbackInfo& info);
Napi::Value BatchNormTrainBackward(const Napi::CallbackInfo& info);
Napi::Value SgdMomentumUpdate(const Napi::CallbackInfo& info);
// --- end fused training kernels ---
Napi::Value BatchMatMul(const Napi::CallbackInfo& info);
Napi::Value MaxPool2d(const Napi::CallbackInfo& info);
Napi::Value MaxPool2dBackward(const Napi::CallbackInfo& info);
// --- native backend: elementwise, broadcast and reduction kernels (binding/elementwise.cc, binding/reduce.cc) ---
Napi::Value UnaryF32(const Napi::CallbackInfo& info);
Napi::Value BinaryF32(const Napi::CallbackInfo& info);
Napi::Value CompareF32(const Napi::CallbackInfo& info);
Napi::Value SelectF32(const Napi::CallbackInfo& info);
Napi::Value CastTensor(const Napi::CallbackInfo& info);
Napi::Value ReduceF32(const Napi::CallbackInfo& info);
Napi::Value ArgReduceF32(const Napi::CallbackInfo& info);
Napi::Value SoftmaxF32(const Napi::CallbackInfo& info);
// --- end elementwise ---

}  // namespace fedkern::binding
