/**
 * Aggregation math on plain arrays: one tensor at a time, `values[k]` being client k's copy.
 *
 * Pure functions with no framework (no tfjs, no records, no logging), as Flower keeps its
 * `aggregate.py` helpers apart from its strategies. Results are written to `out` (allocated when
 * omitted); sums are accumulated in float64 and rounded once. The only other allocations are an
 * O(n) sort buffer per call (n = number of clients) and a fixed-size block of sums, never anything
 * tensor-sized.
 *
 * Inputs are assumed finite: the round loop drops non-finite updates before anything aggregates.
 */

/** Throws unless there is at least one client and every copy has the same length. */
function checkValues(values: readonly Float32Array[], what: string): number {
  if (values.length === 0) throw new RangeError(`${what}: expected at least one client array but received none`);
  const length = values[0]!.length;
  for (let k = 1; k < values.length; k++) {
    if (values[k]!.length !== length) {
      throw new RangeError(
        `${what}: client array ${k} has ${values[k]!.length} values but array 0 has ${length}; all copies of a tensor must have the same length`,
      );
    }
  }
  return length;
}

function outputFor(out: Float32Array | undefined, length: number, what: string): Float32Array {
  if (out === undefined) return new Float32Array(length);
  if (out.length !== length) throw new RangeError(`${what}: out has ${out.length} values but the inputs have ${length}`);
  return out;
}

/**
 * Sample-weighted mean, the FedAvg server step (McMahan et al. 2017, Algorithm 1:
 * w ← Σ_k (n_k / n) · w_k): out_i = Σ_k w_k · x_k,i / Σ_k w_k. `weights[k]` belongs to `values[k]`.
 */
export function weightedAverage(values: readonly Float32Array[], weights: readonly number[], out?: Float32Array): Float32Array {
  const length = checkValues(values, 'weightedAverage');
  if (weights.length !== values.length) {
    throw new RangeError(`weightedAverage: ${values.length} client arrays but ${weights.length} weights; pass one weight per array`);
  }
  let total = 0;
  for (let k = 0; k < weights.length; k++) {
    const w = weights[k]!;
    if (!(w >= 0) || !Number.isFinite(w)) {
      throw new RangeError(`weightedAverage: expected a finite weight >= 0 for client array ${k} but received ${w}`);
    }
    total += w;
  }
  if (!(total > 0)) throw new RangeError('weightedAverage: the weights sum to 0; at least one weight must be positive');
  const result = outputFor(out, length, 'weightedAverage');
  // Client by client over blocks of the tensor (sequential reads of each copy), each sum in the same order as a
  // per-element loop over k = 0..n−1 would take, so the result is bit for bit the same.
  const sums = new Float64Array(Math.min(length, SUM_BLOCK));
  for (let start = 0; start < length; start += SUM_BLOCK) {
    const end = Math.min(start + SUM_BLOCK, length);
    sums.fill(0);
    for (let k = 0; k < values.length; k++) {
      const w = weights[k]!;
      const x = values[k]!;
      for (let i = start; i < end; i++) sums[i - start] = sums[i - start]! + w * x[i]!;
    }
    for (let i = start; i < end; i++) result[i] = sums[i - start]! / total;
  }
  return result;
}

/** Elements per block of `weightedAverage`'s float64 sums: O(1) scratch, small enough to stay in cache. */
const SUM_BLOCK = 4096;

/** Sorts the first `n` entries of `buf` ascending; insertion sort, as n (clients) is small. */
function sortPrefix(buf: Float64Array, n: number): void {
  if (n > 32) {
    buf.subarray(0, n).sort();
    return;
  }
  for (let i = 1; i < n; i++) {
    const x = buf[i]!;
    let j = i - 1;
    while (j >= 0 && buf[j]! > x) {
      buf[j + 1] = buf[j]!;
      j--;
    }
    buf[j + 1] = x;
  }
}

/**
 * Coordinate-wise median (Yin et al. 2018, "Byzantine-Robust Distributed Learning: Towards
 * Optimal Statistical Rates", ICML; Flower's `aggregate_median`). Unweighted; with an even
 * number of clients the two middle values are averaged, as `numpy.median` does.
 */
export function coordinateMedian(values: readonly Float32Array[], out?: Float32Array): Float32Array {
  const length = checkValues(values, 'coordinateMedian');
  const result = outputFor(out, length, 'coordinateMedian');
  const n = values.length;
  const column = new Float64Array(n);
  const mid = n >> 1;
  for (let i = 0; i < length; i++) {
    for (let k = 0; k < n; k++) column[k] = values[k]![i]!;
    sortPrefix(column, n);
    result[i] = n % 2 === 1 ? column[mid]! : (column[mid - 1]! + column[mid]!) / 2;
  }
  return result;
}

/**
 * How many values `trimmedMean` drops from each end: ⌊β·n⌋, as `scipy.stats.trim_mean` and
 * Flower's `aggregate_trimmed_avg` do. Zero means the trimmed mean is a plain mean.
 */
export function trimCount(numClients: number, beta: number): number {
  if (!(beta >= 0 && beta < 0.5)) {
    throw new RangeError(`trimmedMean: expected beta in [0, 0.5) but received ${beta}`);
  }
  return Math.floor(beta * numClients);
}

/**
 * Coordinate-wise β-trimmed mean (Yin et al. 2018): per coordinate, drop the ⌊β·n⌋ smallest and
 * the ⌊β·n⌋ largest values and average the rest. Unweighted. β ∈ [0, 0.5).
 */
export function trimmedMean(values: readonly Float32Array[], beta: number, out?: Float32Array): Float32Array {
  const length = checkValues(values, 'trimmedMean');
  const n = values.length;
  const cut = trimCount(n, beta);
  const result = outputFor(out, length, 'trimmedMean');
  const kept = n - 2 * cut;
  const column = new Float64Array(n);
  for (let i = 0; i < length; i++) {
    for (let k = 0; k < n; k++) column[k] = values[k]![i]!;
    sortPrefix(column, n);
    let sum = 0;
    for (let k = cut; k < n - cut; k++) sum += column[k]!;
    result[i] = sum / kept;
  }
  return result;
}

/**
 * Adds the squared Euclidean distances ‖x_a − x_b‖² between the clients' copies of one tensor to
 * `into`, an n×n row-major symmetric matrix (allocated zeroed when omitted). Call it once per
 * tensor with the same matrix to get distances between whole models without concatenating them.
 */
export function accumulateSquaredDistances(values: readonly Float32Array[], into?: Float64Array): Float64Array {
  const length = checkValues(values, 'accumulateSquaredDistances');
  const n = values.length;
  const matrix = into ?? new Float64Array(n * n);
  if (matrix.length !== n * n) {
    throw new RangeError(`accumulateSquaredDistances: the matrix has ${matrix.length} entries but ${n} clients need ${n * n}`);
  }
  for (let a = 0; a < n; a++) {
    const xa = values[a]!;
    for (let b = a + 1; b < n; b++) {
      const xb = values[b]!;
      let sum = 0;
      for (let i = 0; i < length; i++) {
        const d = xa[i]! - xb[i]!;
        sum += d * d;
      }
      matrix[a * n + b] = matrix[a * n + b]! + sum;
      matrix[b * n + a] = matrix[b * n + a]! + sum;
    }
  }
  return matrix;
}

/** Throws unless Krum's condition n > 2f + 2 holds (Blanchard et al. 2017, Prop. 1). */
export function assertKrumQuorum(numClients: number, f: number): void {
  if (!Number.isInteger(f) || f < 0) throw new RangeError(`Krum: expected an integer f >= 0 but received ${f}`);
  if (numClients <= 2 * f + 2) {
    throw new RangeError(
      `Krum needs n > 2f + 2 updates but has n = ${numClients} with f = ${f} assumed Byzantine clients ` +
        `(need at least ${2 * f + 3}); sample more clients per round or lower f`,
    );
  }
}

/**
 * Krum scores (Blanchard et al. 2017, "Machine Learning with Adversaries: Byzantine Tolerant
 * Gradient Descent", NeurIPS, §4): score(a) = Σ of the squared distances from client a to its
 * n − f − 2 nearest other clients. `distances` is the n×n matrix of squared distances from
 * `accumulateSquaredDistances`. Requires n > 2f + 2.
 */
export function krumScores(distances: Float64Array, numClients: number, f: number): Float64Array {
  const n = numClients;
  if (distances.length !== n * n) {
    throw new RangeError(`krumScores: the distance matrix has ${distances.length} entries but ${n} clients need ${n * n}`);
  }
  assertKrumQuorum(n, f);
  const neighbours = n - f - 2;
  const scores = new Float64Array(n);
  const row = new Float64Array(n - 1);
  for (let a = 0; a < n; a++) {
    // The client itself is excluded explicitly (Flower skips the first sorted entry, which is
    // wrong when another client sits at distance 0).
    let j = 0;
    for (let b = 0; b < n; b++) if (b !== a) row[j++] = distances[a * n + b]!;
    sortPrefix(row, n - 1);
    let score = 0;
    for (let k = 0; k < neighbours; k++) score += row[k]!;
    scores[a] = score;
  }
  return scores;
}

/**
 * Indices of the `m` lowest scores, best first; ties go to the lower index. m = 1 is Krum,
 * m > 1 selects the set that Multi-Krum (Blanchard et al. 2017, §4) averages.
 */
export function krumSelect(scores: ArrayLike<number>, m: number): number[] {
  if (!Number.isInteger(m) || m < 1 || m > scores.length) {
    throw new RangeError(`krumSelect: expected an integer m in [1, ${scores.length}] but received ${m}`);
  }
  const order = Array.from({ length: scores.length }, (_, i) => i);
  order.sort((a, b) => scores[a]! - scores[b]! || a - b);
  return order.slice(0, m);
}
