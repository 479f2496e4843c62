/**
 * Row renormalisation: every row of a matrix is rescaled to the same norm, keeping its direction (zero rows stay
 * zero).
 */
import { resolveNative } from './dispatch.js';
import { renormRowsImpl } from './renorm-rows.impl.js';
import type { OutputOptions } from './types.js';
import { assertFiniteFloat32, assertFiniteNumber, assertOutput, assertPositiveInt, rowsOf } from './validate.js';

/**
 * out[r, :] = scale · w[r, :] / ‖w[r, :]‖₂ for the rows of a row-major [rows × cols] matrix; zero rows stay zero.
 * Pass `out: w` to work in place.
 */
export function renormRows(w: Float32Array, cols: number, scale: number, options: OutputOptions = {}): Float32Array {
  const fn = 'renormRows';
  assertPositiveInt(fn, 'cols', cols);
  assertFiniteNumber(fn, 'scale', scale);
  assertFiniteFloat32(fn, 'w', w);
  const rows = rowsOf(fn, 'w', w.length, cols, 'cols');
  const out = options.out ?? new Float32Array(w.length);
  assertOutput(fn, 'options.out', out, w.length);
  const addon = resolveNative(fn, options.device);
  if (!addon) return renormRowsImpl(w, rows, cols, scale, out);
  addon.renormRows(w, rows, cols, scale, out, options.device ?? 'cpu');
  return out;
}
