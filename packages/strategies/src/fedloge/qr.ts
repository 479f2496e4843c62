/**
 * Reduced QR factorisation by Householder reflections, in float64 plain JS.
 *
 * The SSE-C needs the Q factor of a uniform d×C matrix (numpy's `np.linalg.qr(a)` in the
 * reference, mode 'reduced'). Householder is used rather than Gram–Schmidt because the columns of
 * a uniform[0,1) matrix share a large common mean and are far from orthogonal: Householder keeps
 * QᵀQ = I to machine precision regardless of the conditioning (Golub & Van Loan, Matrix
 * Computations, §5.2.1).
 */

/**
 * The Q factor (rows × cols, orthonormal columns) of the reduced QR of `a`.
 *
 * @param a matrix in row-major order, `rows × cols`, with `rows >= cols`.
 * @returns Q in row-major order, `rows × cols`. Signs follow the LAPACK convention
 *   (reflector v = x − α e₁ with α = −sign(x₁)‖x‖), so R's diagonal may be negative.
 */
export function reducedQrQ(a: Float64Array, rows: number, cols: number): Float64Array {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1) {
    throw new RangeError(`reducedQrQ: expected positive integer dimensions but received ${rows}×${cols}`);
  }
  if (rows < cols) {
    throw new RangeError(`reducedQrQ: need rows >= cols for a reduced QR but received ${rows}×${cols}`);
  }
  if (a.length !== rows * cols) {
    throw new RangeError(`reducedQrQ: matrix has ${a.length} entries but ${rows}×${cols} = ${rows * cols} were expected`);
  }
  // Column-major working copy: column j is w[j*rows .. j*rows+rows).
  const w = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) w[j * rows + i] = a[i * cols + j]!;

  // Householder vectors, v_k occupies rows k..rows-1 of reflectors[k].
  const reflectors: Float64Array[] = [];
  for (let k = 0; k < cols; k++) {
    const col = k * rows;
    let norm = 0;
    for (let i = k; i < rows; i++) norm += w[col + i]! * w[col + i]!;
    norm = Math.sqrt(norm);
    const v = new Float64Array(rows);
    if (norm === 0) {
      // A zero column below the diagonal: the identity reflector (v = 0) keeps Q orthonormal.
      reflectors.push(v);
      continue;
    }
    const x0 = w[col + k]!;
    const alpha = x0 >= 0 ? -norm : norm;
    for (let i = k; i < rows; i++) v[i] = w[col + i]!;
    v[k] = x0 - alpha;
    let vNorm = 0;
    for (let i = k; i < rows; i++) vNorm += v[i]! * v[i]!;
    vNorm = Math.sqrt(vNorm);
    for (let i = k; i < rows; i++) v[i]! /= vNorm;
    reflectors.push(v);
    // A ← (I − 2vvᵀ) A on the trailing columns.
    for (let j = k; j < cols; j++) {
      const cj = j * rows;
      let dot = 0;
      for (let i = k; i < rows; i++) dot += v[i]! * w[cj + i]!;
      dot *= 2;
      for (let i = k; i < rows; i++) w[cj + i]! -= dot * v[i]!;
    }
  }

  // Q = H₀ H₁ … H_{n−1} [I_n; 0], applying the reflectors right to left.
  const q = new Float64Array(rows * cols); // column-major
  for (let j = 0; j < cols; j++) q[j * rows + j] = 1;
  for (let k = cols - 1; k >= 0; k--) {
    const v = reflectors[k]!;
    for (let j = 0; j < cols; j++) {
      const cj = j * rows;
      let dot = 0;
      for (let i = k; i < rows; i++) dot += v[i]! * q[cj + i]!;
      if (dot === 0) continue;
      dot *= 2;
      for (let i = k; i < rows; i++) q[cj + i]! -= dot * v[i]!;
    }
  }
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = q[j * rows + i]!;
  return out;
}
