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
// ---- `cuda` tfjs backend (binding/cuda_backend.cc; CPU-side probes in binding/cuda_host_probes.cc) ----
Napi::Value CudaDeviceStatus(const Napi::CallbackInfo& info);
Napi::Value CudaAlloc(const Napi::CallbackInfo& info);
Napi::Value CudaFree(const Napi::CallbackInfo& info);
Napi::Value CudaUpload(const Napi::CallbackInfo& info);
Napi::Value CudaDownload(const Napi::CallbackInfo& info);
Napi::Value CudaMemoryStats(const Napi::CallbackInfo& info);
Napi::Value CudaTrim(const Napi::CallbackInfo& info);
Napi::Value CudaSynchronize(const Napi::CallbackInfo& info);
Napi::Value CudaSetTf32(const Napi::CallbackInfo& info);
Napi::Value CudaUnary(const Napi::CallbackInfo& info);
Napi::Value CudaBinary(const Napi::CallbackInfo& info);
Napi::Value CudaStridedCopy(const Napi::CallbackInfo& info);
Napi::Value CudaFill(const Napi::CallbackInfo& info);
Napi::Value CudaCast(const Napi::CallbackInfo& info);
Napi::Value CudaReduce(const Napi::CallbackInfo& info);
Napi::Value CudaBatchMatMul(const Napi::CallbackInfo& info);
Napi::Value CudaConv2d(const Napi::CallbackInfo& info);
Napi::Value CudaMaxPool(const Napi::CallbackInfo& info);
Napi::Value CudaMaxPoolGrad(const Napi::CallbackInfo& info);
Napi::Value CudaSgdUpdate(const Napi::CallbackInfo& info);
Napi::Value CudaConvIndexMap(const Napi::CallbackInfo& info);
Napi::Value CudaAllocatorProbe(const Napi::CallbackInfo& info);
// ---- end `cuda` backend ----

}  // namespace fedkern::binding
