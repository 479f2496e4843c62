/**
 * Pure-TypeScript reference of the sparse row projection (kernels a and b): the fallback when the addon is not
 * loaded and the oracle of the native tests. Straight loops in float64, rounded to float32 once per output element.
 * Inputs are trusted (the wrappers in csr-project.ts validate them).
 */
import type { CsrMatrix } from './types.js';

/** logits[b, c] = Σ_j S[c, j] · f[b, j] + bias[c]; f is [batch × S.cols], logits [batch × S.rows]. */
export function csrProjectForwardImpl(
  f: Float32Array,
  batch: number,
  s: CsrMatrix,
  bias: Float32Array | null,
  logits: Float32Array,
): Float32Array {
  const { rows: classes, cols: dim, rowPtr, colIdx, values } = s;
  for (let b = 0; b < batch; b++) {
    const fOffset = b * dim;
    for (let c = 0; c < classes; c++) {
      let acc = 0;
      for (let j = rowPtr[c]!; j < rowPtr[c + 1]!; j++) acc += values[j]! * f[fOffset + colIdx[j]!]!;
      logits[b * classes + c] = acc + (bias ? bias[c]! : 0);
    }
  }
  return logits;
}

/** gradF[b, j] = Σ_c gradLogits[b, c] · S[c, j]; gradLogits is [batch × S.rows], gradF [batch × S.cols]. */
export function csrProjectBackwardImpl(gradLogits: Float32Array, batch: number, s: CsrMatrix, gradF: Float32Array): Float32Array {
  const { rows: classes, cols: dim, rowPtr, colIdx, values } = s;
  const acc = new Float64Array(dim);
  for (let b = 0; b < batch; b++) {
    acc.fill(0);
    for (let c = 0; c < classes; c++) {
      const g = gradLogits[b * classes + c]!;
      for (let j = rowPtr[c]!; j < rowPtr[c + 1]!; j++) acc[colIdx[j]!]! += g * values[j]!;
    }
    gradF.set(acc, b * dim);
  }
  return gradF;
}
