/**
 * Batched local realignment, GLA-FR's local step (FedLoGe §3.3): for each client k, a realigned head whose rows take
 * their direction from the global auxiliary head and their norm from the client's own local head.
 */
import { resolveNative } from './dispatch.js';
import { localRealignImpl } from './local-realign.impl.js';
import type { OutputOptions } from './types.js';
import { assertFiniteFloat32, assertOutput, assertPositiveInt, invalidArgument, rowsOf } from './validate.js';

/** Options of {@link localRealignRows}. */
export interface LocalRealignRowsOptions extends OutputOptions {
  /**
   * [K × C] flags, non-zero = class c is masked for client k (PyTorch masked_fill convention): its realigned row is
   * filled with −1e10, as the reference does for classes absent from the client. @default nothing masked
   */
  masked?: Uint8Array | null;
}

/**
 * out[k, c, :] = global[c, :] · ‖locals[k, c, :]‖₂ (global is [C × dim], locals and out [K × C × dim]).
 * C = global.length / dim and K = locals.length / (C · dim); K = 0 gives an empty result.
 */
export function localRealignRows(
  global: Float32Array,
  locals: Float32Array,
  dim: number,
  options: LocalRealignRowsOptions = {},
): Float32Array {
  const fn = 'localRealignRows';
  assertPositiveInt(fn, 'dim', dim);
  assertFiniteFloat32(fn, 'global', global);
  const classes = rowsOf(fn, 'global', global.length, dim, 'dim');
  if (classes === 0) throw new RangeError(`${fn}(global) must hold at least one class row of ${dim} elements`);
  assertFiniteFloat32(fn, 'locals', locals);
  const clients = rowsOf(fn, 'locals', locals.length, classes * dim, 'classes × dim');
  const masked = options.masked ?? null;
  if (masked !== null) {
    if (!(masked instanceof Uint8Array)) throw invalidArgument(fn, 'options.masked', 'a Uint8Array', masked);
    if (masked.length !== clients * classes) {
      throw new RangeError(
        `Expected clients × classes = ${clients * classes} flags in ${fn}(options.masked) but received ${masked.length}`,
      );
    }
  }
  const out = options.out ?? new Float32Array(locals.length);
  assertOutput(fn, 'options.out', out, locals.length);
  const addon = resolveNative(fn, options.device);
  if (!addon) return localRealignImpl(global, classes, dim, locals, clients, masked, out);
  addon.localRealign(global, classes, dim, locals, clients, masked, out, options.device ?? 'cpu');
  return out;
}
