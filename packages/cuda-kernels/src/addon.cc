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
  return exports;
}

}  // namespace

NODE_API_MODULE(fedkern, Init)
