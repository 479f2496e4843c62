export { BufferPool } from './buffer-pool.js';
export type { BufferPoolStats, HostBufferSource } from './buffer-pool.js';
export { NativeBackend } from './native-backend.js';
export { NATIVE_BACKEND_NAME, nativeBackendProvider, nativeRuntime, registerNativeBackend } from './register.js';
export { recordKernels } from './kernel-recorder.js';
export { inheritKernels, registerKernelReplacing } from './kernel-registry.js';
export type { KernelRecord, KernelRecorder } from './kernel-recorder.js';
// ---- the `cuda` backend ----
export * from './cuda/index.js';
