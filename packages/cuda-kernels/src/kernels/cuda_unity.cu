// The one CUDA translation unit of the build: includes every kernel file, so nvcc's per-TU cost (host front end,
// one device compile per GPU architecture, fatbinary) is paid once instead of five times. Measured on the 2-core CI
// machine (shared, load ~9) with 6 architectures: 101.5 s for five TUs vs 54.6 s with this one (BENCHMARKS.md).
// The kernel files stay separate for reading; they must not be added to the build on their own.
// One translation unit, so the include order is the order of definitions: clang-format must not sort it.
// clang-format off
#include "cuda_info.cu"
#include "etf_project.cu"
#include "etf_cross_entropy.cu"
#include "renorm_rows.cu"
#include "local_realign.cu"
// ---- the `cuda` tfjs backend (src/cuda): device runtime and kernels ----
#include "../cuda/device.cu"
#include "../cuda/elementwise.cu"
#include "../cuda/reduce.cu"
#include "../cuda/gemm.cu"
#include "../cuda/conv.cu"
#include "../cuda/pool.cu"
// clang-format on
