/**
 * Records which tfjs kernels run on a backend, how often and for how long (own time, nested kernels excluded), by
 * wrapping every kernel registered for it. Used by the training-step profile (bench/train-step.mjs --profile) and the kernel-contract test. Times are the
 * kernel functions' own wall time (synchronous on CPU backends); what the engine does around them (tape, tidy,
 * bookkeeping) is left out, so step time − Σ kernel time is the engine/JS overhead.
 */
import * as tf from '@tensorflow/tfjs-core';

export interface KernelRecord {
  calls: number;
  ms: number;
}

export interface KernelRecorder {
  /** Per kernel name: calls and total milliseconds since start or the last reset. */
  readonly kernels: ReadonlyMap<string, KernelRecord>;
  /** Forgets what was recorded; keeps recording. */
  reset(): void;
  /** Puts the original kernels back. The recorded data stays readable. */
  stop(): void;
}

/**
 * Wraps every kernel registered for `backendName` now (register the backend's kernels first). Kernels that call other
 * kernels' implementations directly (not through the engine) count as one call. One recorder per backend at a time.
 */
export function recordKernels(backendName: string): KernelRecorder {
  const originals = tf.getKernelsForBackend(backendName);
  if (originals.length === 0)
    throw new Error(`recordKernels: no kernels are registered for backend '${backendName}'; register the backend first`);
  const kernels = new Map<string, KernelRecord>();
  const swap = (config: tf.KernelConfig) => {
    tf.unregisterKernel(config.kernelName, backendName);
    tf.registerKernel(config);
  };
  // Kernels that run other kernels through the engine (core's wasm shims do) nest: each call's time is its own
  // time less its children's, so Σ ms over all kernels is the time spent in kernels, counted once.
  const childMs: number[] = [];
  for (const config of originals) {
    const run = config.kernelFunc;
    swap({
      ...config,
      kernelFunc: (args) => {
        const t0 = performance.now();
        childMs.push(0);
        try {
          return run(args);
        } finally {
          const elapsed = performance.now() - t0;
          const children = childMs.pop()!;
          if (childMs.length > 0) childMs[childMs.length - 1]! += elapsed;
          const record = kernels.get(config.kernelName) ?? { calls: 0, ms: 0 };
          record.calls += 1;
          record.ms += elapsed - children;
          kernels.set(config.kernelName, record);
        }
      },
    });
  }
  let stopped = false;
  return {
    kernels,
    reset: () => kernels.clear(),
    stop: () => {
      if (stopped) return;
      stopped = true;
      for (const config of originals) swap(config);
    },
  };
}
