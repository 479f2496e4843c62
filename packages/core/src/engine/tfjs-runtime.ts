/**
 * What tfjs needs before the first op: the pure-JS `cpu` backend (always available; the last
 * fallback, and the backend tfjs picks when nothing was initialised), the gradients of the core ops
 * (for tf.variableGrads and the optimizers) and the chained tensor methods that plugin code may use
 * (`x.mul(2)`). `@tensorflow/tfjs` did all three on import; we depend on `@tensorflow/tfjs-core` and
 * the backends alone, so the registrations live here. The gradients and chained methods come from a
 * bundle made at install time (scripts/bundle-tfjs-registrations.mjs says why).
 */
import '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '../../generated/tfjs-registrations.js';
// The chained methods' types (a module augmentation of Tensor; erased at run time).
import type {} from '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js';
