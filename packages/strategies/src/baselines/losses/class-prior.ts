/**
 * Per-class logit offsets derived from a client's label histogram, shared by the long-tail losses
 * (Balanced Softmax, FedLC's logit calibration).
 *
 * A class the client never saw has an offset of log 0 = −∞ in the reference code, which removes it
 * from the local softmax. −∞ turns into NaN in tfjs as soon as it meets a zero (one-hot products,
 * gradients), so absent classes get `ABSENT_CLASS_OFFSET` instead: far enough below any real logit
 * that `exp` underflows to exactly 0 in float32, finite so no NaN can appear.
 */

/** The offset that stands in for −∞ on classes absent from the client's data. */
export const ABSENT_CLASS_OFFSET = -1e9;

/** Throws unless `counts` is a non-empty list of finite non-negative numbers with at least one positive entry. */
export function assertClassCounts(counts: readonly number[], where: string): void {
  if (counts.length === 0) throw new RangeError(`${where}: expected one count per class but received an empty list`);
  counts.forEach((n, c) => {
    if (!(Number.isFinite(n) && n >= 0)) {
      throw new RangeError(`${where}: expected a finite count >= 0 for class ${c} but received ${n}`);
    }
  });
  if (!counts.some((n) => n > 0)) {
    throw new RangeError(`${where}: every class count is 0; a client needs at least one training example`);
  }
}

/**
 * Balanced Softmax prior (Ren et al., NeurIPS 2020): `log n_c`, or `ABSENT_CLASS_OFFSET` when n_c = 0.
 */
export function logCountOffsets(counts: readonly number[]): Float32Array {
  assertClassCounts(counts, 'logCountOffsets');
  return Float32Array.from(counts, (n) => (n > 0 ? Math.log(n) : ABSENT_CLASS_OFFSET));
}

/**
 * FedLC calibration (Zhang et al., ICML 2022, Eq. 8): `−τ · n_c^{−1/4}`, or `ABSENT_CLASS_OFFSET`
 * when n_c = 0 (the limit of −τ·0^{−1/4} for τ > 0).
 */
export function logitCalibrationOffsets(counts: readonly number[], tau: number): Float32Array {
  assertClassCounts(counts, 'logitCalibrationOffsets');
  if (!(Number.isFinite(tau) && tau >= 0)) {
    throw new RangeError(`logitCalibrationOffsets: expected a finite tau >= 0 but received ${tau}`);
  }
  return Float32Array.from(counts, (n) => (n > 0 ? -tau * Math.pow(n, -0.25) : tau > 0 ? ABSENT_CLASS_OFFSET : 0));
}
