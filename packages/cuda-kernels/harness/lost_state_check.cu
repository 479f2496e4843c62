// CPU check of the lost-device bookkeeping in src/matrix/cuda_common.cuh (no GPU needed: the CUDA runtime names
// error codes without a driver). A non-sticky error is an ordinary error; the first sticky one marks the device lost,
// and from then on throwIfLost() (which every device call passes first) and any later sticky error throw the lost
// message with that first cause. Built with nvcc (cuda_runtime.h, cudart; a .cu for the header's device helpers)
// and run by src/gpu-harness.test.ts; prints "N passed, N failed".
#include <cstdio>
#include <stdexcept>
#include <string>

#include "../src/matrix/cuda_common.cuh"

namespace {

int passed = 0, failed = 0;

void expect(bool ok, const std::string& what) {
  ok ? ++passed : ++failed;
  if (!ok) std::printf("FAIL %s\n", what.c_str());
}

std::string thrown(void (*f)()) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

}  // namespace

using fedkern::cuda::check;

int main() {
  expect(thrown([] { check(cudaSuccess, "ok"); }).empty(), "cudaSuccess does not throw");
  const std::string plain = thrown([] { check(cudaErrorInvalidValue, "upload"); });
  expect(plain.rfind("upload: cudaErrorInvalidValue: ", 0) == 0, "a non-sticky error names the call and the error: " + plain);
  expect(fedkern::cuda::lostReason().empty() && thrown(fedkern::cuda::throwIfLost).empty(), "a non-sticky error does not lose the device");

  const std::string first = thrown([] { check(cudaErrorIllegalAddress, "download"); });
  expect(first.rfind("CUDA device lost: download: cudaErrorIllegalAddress: ", 0) == 0, "a sticky error loses the device: " + first);
  expect(fedkern::cuda::lostReason().rfind("download: cudaErrorIllegalAddress", 0) == 0, "lostReason() keeps the first cause");
  expect(thrown(fedkern::cuda::throwIfLost) == first, "throwIfLost() repeats it");
  expect(thrown([] { check(cudaErrorLaunchFailure, "later"); }) == first, "a later sticky error keeps the first cause");
  expect(thrown([] { check(cudaErrorInvalidValue, "later"); }).rfind("later: cudaErrorInvalidValue", 0) == 0,
         "a later non-sticky error is still itself");
  expect(!fedkern::cuda::isSticky(cudaErrorMemoryAllocation), "out of memory is not sticky (the allocator trims and retries)");

  std::printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
