// Entry point of fedkern.node: registers the bindings, nothing else (kernels live in src/kernels, argument handling
// in src/binding).
#include <napi.h>

#include "binding/bindings.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  using namespace fedkern::binding;
  exports.Set("etfProjectForward", Napi::Function::New(env, EtfProjectForward, "etfProjectForward"));
  exports.Set("etfProjectBackward", Napi::Function::New(env, EtfProjectBackward, "etfProjectBackward"));
  exports.Set("etfCrossEntropy", Napi::Function::New(env, EtfCrossEntropy, "etfCrossEntropy"));
  exports.Set("renormRows", Napi::Function::New(env, RenormRows, "renormRows"));
  exports.Set("localRealign", Napi::Function::New(env, LocalRealign, "localRealign"));
  exports.Set("cudaInfo", Napi::Function::New(env, CudaInfo, "cudaInfo"));
  exports.Set("allocHostBuffer", Napi::Function::New(env, AllocHostBuffer, "allocHostBuffer"));
  exports.Set("hostMemoryStats", Napi::Function::New(env, HostMemoryStats, "hostMemoryStats"));
  exports.Set("setNumThreads", Napi::Function::New(env, SetNumThreads, "setNumThreads"));
  exports.Set("libraryInfo", Napi::Function::New(env, LibraryInfo, "libraryInfo"));
  // Native backend: oneDNN convolutions, matmul, max pooling.
  exports.Set("conv2dForward", Napi::Function::New(env, Conv2dForward, "conv2dForward"));
  exports.Set("conv2dBackwardInput", Napi::Function::New(env, Conv2dBackwardInput, "conv2dBackwardInput"));
  exports.Set("conv2dBackwardFilter", Napi::Function::New(env, Conv2dBackwardFilter, "conv2dBackwardFilter"));
  exports.Set("setConvLayout", Napi::Function::New(env, SetConvLayout, "setConvLayout"));
  // --- Fused training kernels of the native backend ---
  exports.Set("batchNormTrainForward", Napi::Function::New(env, BatchNormTrainForward, "batchNormTrainForward"));
  exports.Set("batchNormTrainBackward", Napi::Function::New(env, BatchNormTrainBackward, "batchNormTrainBackward"));
  exports.Set("sgdMomentumUpdate", Napi::Function::New(env, SgdMomentumUpdate, "sgdMomentumUpdate"));
  // --- end fused training kernels ---
  exports.Set("batchMatMul", Napi::Function::New(env, BatchMatMul, "batchMatMul"));
  exports.Set("maxPool2d", Napi::Function::New(env, MaxPool2d, "maxPool2d"));
  exports.Set("maxPool2dBackward", Napi::Function::New(env, MaxPool2dBackward, "maxPool2dBackward"));
  // --- native backend: elementwise, broadcast and reduction kernels ---
  exports.Set("unaryF32", Napi::Function::New(env, UnaryF32, "unaryF32"));
  exports.Set("binaryF32", Napi::Function::New(env, BinaryF32, "binaryF32"));
  exports.Set("compareF32", Napi::Function::New(env, CompareF32, "compareF32"));
  exports.Set("selectF32", Napi::Function::New(env, SelectF32, "selectF32"));
  exports.Set("castTensor", Napi::Function::New(env, CastTensor, "castTensor"));
  exports.Set("reduceF32", Napi::Function::New(env, ReduceF32, "reduceF32"));
  exports.Set("argReduceF32", Napi::Function::New(env, ArgReduceF32, "argReduceF32"));
  exports.Set("softmaxF32", Napi::Function::New(env, SoftmaxF32, "softmaxF32"));
  // --- end elementwise ---
  // ---- `cuda` tfjs backend (src/cuda, binding/cuda_backend.cc, binding/cuda_host_probes.cc) ----
  exports.Set("cudaDeviceStatus", Napi::Function::New(env, CudaDeviceStatus, "cudaDeviceStatus"));
  exports.Set("cudaAlloc", Napi::Function::New(env, CudaAlloc, "cudaAlloc"));
  exports.Set("cudaFree", Napi::Function::New(env, CudaFree, "cudaFree"));
  exports.Set("cudaUpload", Napi::Function::New(env, CudaUpload, "cudaUpload"));
  exports.Set("cudaDownload", Napi::Function::New(env, CudaDownload, "cudaDownload"));
  exports.Set("cudaMemoryStats", Napi::Function::New(env, CudaMemoryStats, "cudaMemoryStats"));
  exports.Set("cudaTrim", Napi::Function::New(env, CudaTrim, "cudaTrim"));
  exports.Set("cudaSynchronize", Napi::Function::New(env, CudaSynchronize, "cudaSynchronize"));
  exports.Set("cudaSetTf32", Napi::Function::New(env, CudaSetTf32, "cudaSetTf32"));
  exports.Set("cudaUnary", Napi::Function::New(env, CudaUnary, "cudaUnary"));
  exports.Set("cudaBinary", Napi::Function::New(env, CudaBinary, "cudaBinary"));
  exports.Set("cudaStridedCopy", Napi::Function::New(env, CudaStridedCopy, "cudaStridedCopy"));
  exports.Set("cudaFill", Napi::Function::New(env, CudaFill, "cudaFill"));
  exports.Set("cudaCast", Napi::Function::New(env, CudaCast, "cudaCast"));
  exports.Set("cudaReduce", Napi::Function::New(env, CudaReduce, "cudaReduce"));
  exports.Set("cudaBatchMatMul", Napi::Function::New(env, CudaBatchMatMul, "cudaBatchMatMul"));
  exports.Set("cudaConv2d", Napi::Function::New(env, CudaConv2d, "cudaConv2d"));
  exports.Set("cudaMaxPool", Napi::Function::New(env, CudaMaxPool, "cudaMaxPool"));
  exports.Set("cudaMaxPoolGrad", Napi::Function::New(env, CudaMaxPoolGrad, "cudaMaxPoolGrad"));
  exports.Set("cudaSgdUpdate", Napi::Function::New(env, CudaSgdUpdate, "cudaSgdUpdate"));
  exports.Set("cudaConvIndexMap", Napi::Function::New(env, CudaConvIndexMap, "cudaConvIndexMap"));
  exports.Set("cudaAllocatorProbe", Napi::Function::New(env, CudaAllocatorProbe, "cudaAllocatorProbe"));
  // ---- end `cuda` backend ----
  return exports;
}

}  // namespace

NODE_API_MODULE(fedkern, Init)
