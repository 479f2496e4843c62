/**
 * Pure-TypeScript reference of batched local realignment (kernel e; GLA-FR local, FedLoGe §3.3 — the reference's
 * `update_weights_norm_init`): the global head gives the direction, each client's local head the row norm,
 *   out[k, c, :] = g[c, :] · ‖locals[k, c, :]‖₂,
 * and rows whose `masked[k, c]` is non-zero (masked_fill convention) are filled with {@link MASKED_ROW_VALUE}.
 * Note the reference does not normalise g first, so ‖out[k, c]‖ = ‖g_c‖·‖l_kc‖.
 */

/** Value of every element of a masked row: FedLoGe masks classes absent from a client with −1e10. */
export const MASKED_ROW_VALUE = -1e10;

/** g is [classes × dim], locals and out [clients × classes × dim], masked [clients × classes] or null. */
export function localRealignImpl(
  g: Float32Array,
  classes: number,
  dim: number,
  locals: Float32Array,
  clients: number,
  masked: Uint8Array | null,
  out: Float32Array,
): Float32Array {
  for (let kc = 0; kc < clients * classes; kc++) {
    const offset = kc * dim;
    if (masked && masked[kc]) {
      out.fill(MASKED_ROW_VALUE, offset, offset + dim);
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
