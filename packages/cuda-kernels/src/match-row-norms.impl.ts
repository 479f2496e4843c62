/**
 * Pure-TypeScript reference of matchRowNorms: the rows of g give the direction, each of the K row blocks of `locals`
 * the norm,
 *   out[k, c, :] = g[c, :] · ‖locals[k, c, :]‖₂,
 * and rows whose `masked[k, c]` is non-zero (masked_fill convention) are filled with `maskedValue`. g is not
 * normalised first, so ‖out[k, c]‖ = ‖g_c‖·‖l_kc‖.
 */

/** g is [classes × dim], locals and out [clients × classes × dim], masked [clients × classes] or null. */
export function matchRowNormsImpl(
  g: Float32Array,
  classes: number,
  dim: number,
  locals: Float32Array,
  clients: number,
  masked: Uint8Array | null,
  maskedValue: number,
  out: Float32Array,
): Float32Array {
  for (let kc = 0; kc < clients * classes; kc++) {
    const offset = kc * dim;
    if (masked && masked[kc]) {
      out.fill(maskedValue, offset, offset + dim);
      continue;
    }
    let sumSq = 0;
    for (let j = 0; j < dim; j++) sumSq += locals[offset + j]! * locals[offset + j]!;
    const norm = Math.sqrt(sumSq);
    const gOffset = (kc % classes) * dim;
    for (let j = 0; j < dim; j++) out[offset + j] = g[gOffset + j]! * norm;
  }
  return out;
}
