/**
 * Row-norm matching: for each of K row blocks, a copy of a [C × dim] matrix whose rows keep their direction and take
 * their norm from the block's rows (optionally masking rows to a fill value).
 */
import { resolveNative } from './dispatch.js';
import { matchRowNormsImpl } from './match-row-norms.impl.js';
import type { OutputOptions } from './types.js';
import { assertFiniteFloat32, assertOutput, assertPositiveInt, invalidArgument, rowsOf } from './validate.js';

/** Options of {@link matchRowNorms}. */
export interface MatchRowNormsOptions extends OutputOptions {
  /**
   * [K × C] flags, non-zero = row c of block k is masked (PyTorch masked_fill convention): every element of that
   * output row is `maskedValue`. @default nothing masked
   */
  masked?: Uint8Array | null;
  /** What a masked row is filled with; required with `masked` (a finite number). */
  maskedValue?: number;
}

/**
 * out[k, c, :] = global[c, :] · ‖locals[k, c, :]‖₂ (global is [C × dim], locals and out [K × C × dim]).
 * C = global.length / dim and K = locals.length / (C · dim); K = 0 gives an empty result.
 */
export function matchRowNorms(global: Float32Array, locals: Float32Array, dim: number, options: MatchRowNormsOptions = {}): Float32Array {
  const fn = 'matchRowNorms';
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
  const maskedValue = options.maskedValue ?? 0;
  if (masked !== null && (options.maskedValue === undefined || !Number.isFinite(options.maskedValue))) {
    throw invalidArgument(
      fn,
      'options.maskedValue',
      'a finite number (the value of a masked row) with options.masked',
      options.maskedValue,
    );
  }
  const out = options.out ?? new Float32Array(locals.length);
  assertOutput(fn, 'options.out', out, locals.length);
  const addon = resolveNative(fn, options.device);
  if (!addon) return matchRowNormsImpl(global, classes, dim, locals, clients, masked, maskedValue, out);
  addon.matchRowNorms(global, classes, dim, locals, clients, masked, maskedValue, out, options.device ?? 'cpu');
  return out;
}
