// The CUDA entry points of a CPU-only build (nvcc not found, or FEDKERN_CUDA=OFF): cudaInfo() reports
// compiled=false and every kernel throws the same "CUDA unavailable" error the CUDA build throws without a device.
#include <stdexcept>

#include "matrix.h"

namespace fedkern {
namespace {

const char* const kReason =
    "CUDA unavailable: this build of @fedloge/cuda-kernels has no CUDA kernels (nvcc was not found or FEDKERN_CUDA=OFF"
    " at build time); install the CUDA toolkit and rebuild with `npm rebuild @fedloge/cuda-kernels`";

[[noreturn]] void unavailable() { throw std::runtime_error(kReason); }

}  // namespace

CudaInfo cudaInfo() {
  CudaInfo info;
  info.error = kReason + sizeof("CUDA unavailable: ") - 1;
  return info;
}

void csrProjectForwardCuda(const float*, int32_t, const CsrView&, const float*, float*) { unavailable(); }
void csrProjectBackwardCuda(const float*, int32_t, const CsrView&, float*) { unavailable(); }
double csrCrossEntropyCuda(const float*, int32_t, const CsrView&, const float*, const int32_t*, float*) { unavailable(); }
void renormRowsCuda(const float*, int32_t, int32_t, float, float*) { unavailable(); }
void matchRowNormsCuda(const float*, int32_t, int32_t, const float*, int32_t, const uint8_t*, float, float*) { unavailable(); }

}  // namespace fedkern
