/**
 * Pure-TypeScript reference of the fused softmax cross-entropy through a sparse row projection (kernel c). float64 throughout.
 *   loss = (1 / max(B, 1)) Σ_b [ logsumexp(z_b) − z_b[y_b] ],   z = f·Sᵀ + bias
 *   gradF = ((softmax(z) − onehot(y)) / B) · S
 * logsumexp is shifted by the row maximum (stable for any finite logits). An empty batch gives loss 0.
 */
import type { CsrMatrix } from './types.js';

/** Returns the mean loss and writes gradF [batch × S.cols]. labels must lie in [0, S.rows). */
export function csrCrossEntropyImpl(
  f: Float32Array,
  batch: number,
  s: CsrMatrix,
  bias: Float32Array | null,
  labels: Int32Array,
  gradF: Float32Array,
): number {
  const { rows: classes, cols: dim, rowPtr, colIdx, values } = s;
  const z = new Float64Array(classes);
  const acc = new Float64Array(dim);
  let total = 0;
  for (let b = 0; b < batch; b++) {
    let maxZ = -Infinity;
    for (let c = 0; c < classes; c++) {
      let v = bias ? bias[c]! : 0;
      for (let j = rowPtr[c]!; j < rowPtr[c + 1]!; j++) v += values[j]! * f[b * dim + colIdx[j]!]!;
      z[c] = v;
      if (v > maxZ) maxZ = v;
    }
    let sumExp = 0;
    for (let c = 0; c < classes; c++) sumExp += Math.exp(z[c]! - maxZ);
    const label = labels[b]!;
    total += maxZ + Math.log(sumExp) - z[label]!;
    acc.fill(0);
    for (let c = 0; c < classes; c++) {
      const g = (Math.exp(z[c]! - maxZ) / sumExp - (c === label ? 1 : 0)) / batch;
      for (let j = rowPtr[c]!; j < rowPtr[c + 1]!; j++) acc[colIdx[j]!]! += g * values[j]!;
    }
    gradF.set(acc, b * dim);
  }
  return total / Math.max(batch, 1);
}
