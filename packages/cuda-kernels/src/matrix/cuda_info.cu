// cudaInfo() for builds with CUDA: asks the runtime how many devices it can use. Without a driver (this CI machine)
// cudaGetDeviceCount fails with cudaErrorInsufficientDriver rather than cudaErrorNoDevice; every error counts as
// "unavailable", with its name and text kept as the reason.
#include <string>

#include "cuda_common.cuh"
#include "matrix.h"

namespace fedkern {

CudaInfo cudaInfo() {
  CudaInfo info;
  info.compiled = true;
  int count = 0;
  const cudaError_t err = cudaGetDeviceCount(&count);
  if (err != cudaSuccess) {
    info.error = cuda::describe(err);
    cudaGetLastError();  // clear the (non-sticky) error so later calls start clean
    return info;
  }
  info.devices = count;
  for (int i = 0; i < count; ++i) {
    cudaDeviceProp prop{};
    if (cudaGetDeviceProperties(&prop, i) == cudaSuccess)
      info.deviceNames.push_back(std::string(prop.name) + " (sm_" + std::to_string(prop.major) + std::to_string(prop.minor) + ")");
    else
      info.deviceNames.push_back("device " + std::to_string(i) + " (properties unavailable)");
  }
  info.available = count > 0;
  if (!info.available) info.error = "no CUDA device visible (cudaGetDeviceCount returned 0)";
  return info;
}

}  // namespace fedkern
