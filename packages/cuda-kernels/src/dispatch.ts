/**
 * Picks the implementation of one kernel call: the native addon for 'cpu' and 'cuda', the TypeScript reference
 * when 'cpu' is asked for and the addon is missing (with a single process warning, code FEDKERN_FALLBACK), and an Error naming the
 * reason when 'cuda' cannot be served.
 */
import { cudaInfo, nativeAddon, nativeStatus, type NativeAddon } from './load.js';
import type { Device } from './types.js';
import { invalidArgument } from './validate.js';

let warnedFallback = false;

/** Returns the addon to call, or null when the TypeScript reference must run instead. */
export function resolveNative(fn: string, device: Device | undefined): NativeAddon | null {
  const which = device ?? 'cpu';
  if (which !== 'cpu' && which !== 'cuda') throw invalidArgument(fn, 'options.device', "'cpu' or 'cuda'", which);
  const addon = nativeAddon();
  if (which === 'cuda') {
    const info = cudaInfo();
    if (!addon || !info.available) {
      throw new Error(`${fn}: CUDA kernels unavailable: ${info.error ?? 'unknown reason'}. Use device: 'cpu' instead.`);
    }
    return addon;
  }
  if (!addon && !warnedFallback) {
    warnedFallback = true;
    const status = nativeStatus();
    // A process warning, not console output: this package knows no logger, and hosts can route
    // `process.on('warning')` (code FEDKERN_FALLBACK) into theirs.
    process.emitWarning(`native kernels unavailable, using the TypeScript reference kernels: ${status.loaded ? '' : status.reason}`, {
      type: 'FedkernWarning',
      code: 'FEDKERN_FALLBACK',
    });
  }
  return addon;
}
