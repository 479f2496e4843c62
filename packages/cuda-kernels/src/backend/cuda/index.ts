export { CudaBackend } from './cuda-backend.js';
export type { CudaBackendAddon, CudaDeviceStatus, CudaMemoryStats, DeviceMemory } from './device.js';
export {
  CUDA_BACKEND_NAME,
  cudaBackendProvider,
  cudaFallbackCounts,
  cudaRuntime,
  describeFallbacks,
  registerCudaBackend,
} from './register.js';
export { cudaSelfTest, SELF_TEST_KERNELS } from './self-test.js';
