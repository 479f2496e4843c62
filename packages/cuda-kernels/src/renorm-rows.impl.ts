/**
 * Pure-TypeScript reference of row renormalisation (kernel d):
 *   out[r, :] = scale · w[r, :] / ‖w[r, :]‖₂, zero rows stay zero.
 * `out` may be `w` (in place).
 */
export function renormRowsImpl(w: Float32Array, rows: number, cols: number, scale: number, out: Float32Array): Float32Array {
  for (let r = 0; r < rows; r++) {
    const offset = r * cols;
    let sumSq = 0;
    for (let j = 0; j < cols; j++) sumSq += w[offset + j]! * w[offset + j]!;
    const norm = Math.sqrt(sumSq);
    const factor = norm > 0 ? scale / norm : 0;
    for (let j = 0; j < cols; j++) out[offset + j] = w[offset + j]! * factor;
  }
  return out;
}
