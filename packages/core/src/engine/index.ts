export { BACKEND_CHOICES, initBackend, registerBackendProvider } from './backend.js';
export type { BackendChoice, BackendInfo, BackendName, BackendProvider, InitBackendOptions } from './backend.js';
export { KERNEL_SHIMS_BY_BACKEND, registerKernelShims } from './kernels/register-all-kernels.js';
export * from './fused/index.js';
