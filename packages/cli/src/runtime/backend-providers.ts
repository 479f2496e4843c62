/**
 * The addon's tensor backends, handed to core's backend selection (core depends on no addon), and the one line a
 * run prints about the backend it got.
 */
import { registerBackendProvider, type BackendInfo } from '@fedloge/core';
import { nativeBackendProvider } from '@fedloge/cuda-kernels';
import { resolveThreads } from './threads.js';
// ---- the `cuda` backend ----
import { cudaBackendProvider } from '@fedloge/cuda-kernels';
// ---- end `cuda` backend ----

let registered = false;

/** Makes `--backend native` / `--backend cuda` (and `auto`'s steps for them) available in this thread. Idempotent. */
export function registerAddonBackends(): void {
  if (registered) return;
  registerBackendProvider(nativeBackendProvider);
  registerBackendProvider(cudaBackendProvider); // `cuda` backend
  registered = true;
}

/**
 * Threads for the backend of the thread that trains when no config says: OMP_NUM_THREADS, else one per worker thread
 * (each trains one client), all cores when clients train on the main thread (runtime/threads.ts).
 */
export function backendThreads(workers: number): number {
  return resolveThreads({ configured: 'auto', workers }).threads;
}

/** `backend: native (oneDNN 2.6.3, …); skipped cuda (why), tensorflow (why)`. */
export function describeBackend(info: BackendInfo): string {
  const skipped = info.skipped?.length ? `; skipped ${info.skipped.map((s) => `${s.name} (${s.reason})`).join(', ')}` : '';
  return `backend: ${info.name} (${info.detail})${skipped}`;
}
