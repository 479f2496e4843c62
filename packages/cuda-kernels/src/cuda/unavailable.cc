// The `cuda` backend's device side in a build without CUDA (nvcc not found, or FEDKERN_CUDA=OFF): deviceStatus()
// says so, and every other entry point throws the same reason, so a direct caller gets a JS Error, never a crash.
#include <stdexcept>

#include "device.h"

namespace fedkern::gpu {
namespace {

const char* const kReason =
    "built without CUDA (nvcc was not found or FEDKERN_CUDA=OFF when fedkern.node was built); install the CUDA "
    "toolkit and rebuild with `npm run build:native -w @fedloge/cuda-kernels`";

[[noreturn]] void unavailable() { throw std::runtime_error(std::string("CUDA unavailable: ") + kReason); }

}  // namespace

DeviceStatus deviceStatus() {
  DeviceStatus s;
  s.reason = kReason;
  return s;
}

Handle deviceAlloc(size_t) { unavailable(); }
void deviceFree(Handle) { unavailable(); }
size_t deviceBytes(Handle) { unavailable(); }
void* devicePointer(Handle, size_t, const char*) { unavailable(); }
void deviceUpload(Handle, const void*, size_t) { unavailable(); }
void deviceDownload(Handle, void*, size_t) { unavailable(); }
void synchronize() { unavailable(); }
DeviceMemoryStats deviceMemoryStats() { unavailable(); }
void deviceTrim() { unavailable(); }
void setTf32(bool) { unavailable(); }
bool tf32Enabled() { unavailable(); }
void setDeterministic(bool) { unavailable(); }
bool deterministicEnabled() { unavailable(); }
std::string lostReason() { return {}; }
void launchUnary(UnaryOp, const float*, float*, int64_t, float, float) { unavailable(); }
void launchBinary(BinaryOp, const float*, const float*, void*, const BroadcastGeometry&) { unavailable(); }
void launchStridedCopy(const void*, void*, const StridedCopy&, int32_t) { unavailable(); }
void launchFill(void*, int64_t, uint32_t) { unavailable(); }
void launchCast(const void*, int32_t, void*, int32_t, int64_t) { unavailable(); }
void launchReduce(ReduceOp, const float*, float*, int64_t, int64_t) { unavailable(); }
void launchBatchMatMul(const float*, const float*, float*, int64_t, int64_t, int64_t, int64_t, bool, bool, int64_t, int64_t) {
  unavailable();
}
void launchConvForward(const ConvGeometry&, const float*, const float*, float*) { unavailable(); }
void launchConvBackwardData(const ConvGeometry&, const float*, const float*, float*) { unavailable(); }
void launchConvBackwardFilter(const ConvGeometry&, const float*, const float*, float*) { unavailable(); }
void launchMaxPool(const PoolGeometry&, const float*, float*) { unavailable(); }
void launchMaxPoolGrad(const PoolGeometry&, const float*, const float*, float*) { unavailable(); }
void launchSgdUpdate(float*, const float*, float*, int64_t, float, float, bool) { unavailable(); }

}  // namespace fedkern::gpu
