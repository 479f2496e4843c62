/**
 * Geometry of a classifier's class vectors: the numbers the FedLoGe reference logs after building
 * the SSE-C (mean/variance of pairwise angles and of column norms), so a port can be compared
 * with `sse_c.log` (C=100: angle mean 90.578°, variance 0.044; norm mean 0.10024, variance 3.5e-9).
 */

/** Summary of the columns of a d×C matrix. */
export interface EtfGeometry {
  /** Mean over unordered class pairs of the angle between their vectors, in degrees. */
  readonly meanAngleDeg: number;
  /** Population variance of those angles, in degrees². */
  readonly angleVarianceDeg2: number;
  /** The smallest pairwise angle, in degrees. */
  readonly minAngleDeg: number;
  /** Mean column (class-vector) L2 norm. */
  readonly meanNorm: number;
  /** Population variance of the column norms. */
  readonly normVariance: number;
  /** Number of exactly-zero entries. */
  readonly zeroCount: number;
}

/** The simplex-ETF pairwise angle arccos(−1/(C−1)) in degrees: 96.38° for C=10, 90.58° for C=100. */
export function simplexEtfAngleDeg(numClasses: number): number {
  return (Math.acos(-1 / (numClasses - 1)) * 180) / Math.PI;
}

/** Geometry of the columns of `m` (row-major rows×cols, columns = class vectors). */
export function etfGeometry(m: ArrayLike<number>, rows: number, cols: number): EtfGeometry {
  if (m.length !== rows * cols) {
    throw new RangeError(`etfGeometry: matrix has ${m.length} entries but ${rows}×${cols} = ${rows * cols} were expected`);
  }
  if (cols < 2) throw new RangeError(`etfGeometry: need at least 2 columns for pairwise angles but received ${cols}`);
  const norms = new Float64Array(cols);
  let zeroCount = 0;
  for (let i = 0; i < rows; i++) {
    for (let c = 0; c < cols; c++) {
      const v = m[i * cols + c]!;
      if (v === 0) zeroCount++;
      norms[c]! += v * v;
    }
  }
  for (let c = 0; c < cols; c++) norms[c] = Math.sqrt(norms[c]!);
  const angles: number[] = [];
  for (let a = 0; a < cols; a++) {
    for (let b = a + 1; b < cols; b++) {
      let dot = 0;
      for (let i = 0; i < rows; i++) dot += m[i * cols + a]! * m[i * cols + b]!;
      const cos = Math.min(1, Math.max(-1, dot / (norms[a]! * norms[b]!)));
      angles.push((Math.acos(cos) * 180) / Math.PI);
    }
  }
  const meanAngleDeg = mean(angles);
  const meanNorm = mean(norms);
  return {
    meanAngleDeg,
    angleVarianceDeg2: mean(angles.map((x) => (x - meanAngleDeg) ** 2)),
    minAngleDeg: Math.min(...angles),
    meanNorm,
    normVariance: mean(Array.from(norms, (x) => (x - meanNorm) ** 2)),
    zeroCount,
  };
}

function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return s / xs.length;
}
