/** Row-wise argmax on a logits matrix downloaded from the tensor engine. */

/**
 * Index of the largest entry of each row of the row-major `[rows, cols]` matrix `logits`.
 * Ties go to the lowest index (as torch.max on CPU). NaN never wins; a row of NaN gives -1.
 *
 * `allowed`, when given, restricts the argmax to classes with `allowed[c]` true; this is the
 * same as setting the other logits to −∞ (see `Evaluator`'s PM masking).
 */
export function argmaxRows(logits: ArrayLike<number>, rows: number, cols: number, allowed?: readonly boolean[]): Int32Array {
  if (logits.length !== rows * cols) {
    throw new RangeError(`argmaxRows: expected ${rows}x${cols} = ${rows * cols} logits but received ${logits.length}`);
  }
  if (allowed && allowed.length !== cols) {
    throw new RangeError(`argmaxRows: mask has ${allowed.length} entries for ${cols} classes`);
  }
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = -1;
    let bestValue = -Infinity;
    const base = r * cols;
    for (let c = 0; c < cols; c++) {
      if (allowed && !allowed[c]) continue;
      const v = logits[base + c]!;
      // `best < 0` admits a −∞ logit when every allowed logit is −∞, so such a row still predicts.
      if (v > bestValue || (best < 0 && v === -Infinity)) {
        best = c;
        bestValue = v;
      }
    }
    out[r] = best;
  }
  return out;
}
