/**
 * The one rule by which our packages register tfjs kernels. An explicit registration replaces whatever holds the
 * name on its backend (tfjs itself ignores a second `registerKernel` for a name, with only a console warning); an
 * inherited fallback (a backend taking every tfjs-cpu kernel, so that no kernel is "not registered" there) fills
 * only the names that have no explicit registration. So the order in which packages register (this package's
 * backends, @fedloge/strategies' addon kernels) never decides which kernel runs.
 */
import * as tf from '@tensorflow/tfjs-core';

/** Explicitly registered configs by `backend/kernel`. */
const explicit = new Map<string, tf.KernelConfig>();

const keyOf = (kernelName: string, backendName: string) => `${backendName}/${kernelName}`;

/** Register `config` for its backend in place of what holds the name. Registering the same object again does nothing. */
export function registerKernelReplacing(config: tf.KernelConfig): void {
  const key = keyOf(config.kernelName, config.backendName);
  const current = tf.getKernel(config.kernelName, config.backendName);
  if (current === config && explicit.get(key) === config) return;
  if (current) tf.unregisterKernel(config.kernelName, config.backendName);
  tf.registerKernel(config);
  explicit.set(key, config);
}

/**
 * Give `backendName` a fallback for every kernel registered for `from` now, except the names registered explicitly
 * for `backendName` (before or, since they replace, after). `fallback` turns a `from` config into the backend's.
 */
export function inheritKernels(
  from: string,
  backendName: string,
  fallback: (config: tf.KernelConfig) => tf.KernelConfig = (config) => ({ ...config, backendName }),
): void {
  for (const config of tf.getKernelsForBackend(from)) {
    if (explicit.has(keyOf(config.kernelName, backendName))) continue;
    if (tf.getKernel(config.kernelName, backendName)) tf.unregisterKernel(config.kernelName, backendName);
    tf.registerKernel(fallback(config));
  }
}
