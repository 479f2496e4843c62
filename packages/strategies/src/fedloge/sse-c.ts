/**
 * SSE-C: the Static Sparse Equiangular-tight-frame Classifier of FedLoGe (Xiao et al., ICLR 2024,
 * §3.2; reference `ETF_Classifier` + `gen_sparse_ETF`, docs/fedloge.md#sse-c).
 *
 *  1. P = Q factor of the reduced QR of a uniform[0,1) d×C matrix (orthonormal columns).
 *  2. Simplex ETF  M = √(C/(C−1)) · P · (I_C − 11ᵀ/C): unit columns, pairwise cosine −1/(C−1).
 *  3. Zero k₀ = ⌊β·d·C⌋ distinct entries of the row-major flattening of M (a global uniform mask).
 *  4. Refine the non-zeros with masked Adam towards column norm t (0.1) while maximising each
 *     class's angle to its nearest neighbour (see sse-c-refine.ts).
 *  5. Freeze. The classifier's logits are f·S + b with a fixed bias b.
 *
 * Everything is float64 plain JS (no tensors), and every random draw comes from named streams of
 * the given `Rng`, so two processes with the same stream build the bit-identical classifier —
 * which is why the SSE-C is never sent over the wire.
 */
import type { Rng } from '@fedloge/core';
import { etfGeometry, type EtfGeometry } from './etf-geometry.js';
import { reducedQrQ } from './qr.js';
import { SparseEtfObjective, refineSparseEtf, sparseSupportOf, type EarlyStop, type SparseEtfLoss } from './sse-c-refine.js';

/** How the SSE-C's fixed bias is chosen. */
export type SseCBias = 'random' | 'zero';

/** Options of {@link buildSseC}. */
export interface SseCOptions {
  /** d: the backbone's feature dimension (512 for the reference ResNets). */
  readonly featureDim: number;
  /** C: the number of classes. */
  readonly numClasses: number;
  /** β: fraction of the d·C entries set to zero. @default 0.6 */
  readonly sparsity?: number;
  /** Target L2 norm of every class vector. @default 0.1 */
  readonly targetNorm?: number;
  /** The most Adam steps of the refinement (the reference's fixed count). @default 10 000 */
  readonly steps?: number;
  /**
   * Stop the refinement early once converged (see {@link SSE_C_DEFAULTS}); `false` runs all
   * `steps` as the reference does. @default {@link SSE_C_DEFAULTS.earlyStop}
   */
  readonly earlyStop?: EarlyStop | false;
  /** Adam learning rate of the refinement. @default 1e-4 */
  readonly lr?: number;
  /**
   * `random`: U(±1/√d), the untouched nn.Linear default the reference keeps frozen.
   * `zero`: no bias — a documented deviation from the reference (docs/fedloge.md#sse-c-bias). @default 'random'
   */
  readonly bias?: SseCBias;
  /** The stream the basis, the mask and the bias are drawn from (named sub-streams of it). */
  readonly rng: Rng;
}

/**
 * Defaults of {@link buildSseC}: the reference's (β 0.6, norm 0.1, 10 000 Adam steps at lr 1e-4,
 * random frozen bias), plus an early stop once the refinement has converged, which is what makes
 * the build take seconds. Measured here (d=512, seeds 3407, 1, 2), constant-lr Adam reaches its
 * stationary state (where it keeps jittering) by about 2 500 steps for C=100; C=10's norms settle
 * more slowly, but a C=10 step is 20× cheaper:
 *
 * | C | steps | mean angle | angle var (deg²) | mean norm | max abs(norm − 0.1) | final loss |
 * |---|---|---|---|---|---|---|
 * | 100 | 1 500 | 90.555° | 0.77 | 0.1039 | — | −1.5703 |
 * | 100 | 2 500 | 90.5782° | 0.028–0.031 | 0.10021–0.10023 | — | −1.5771 |
 * | 100 | 10 000 | 90.5781° | 0.044 | 0.10023 | — | −1.5759 |
 * | 100 | reference log (sse_c.log) | 90.578° | 0.044 | 0.10024 | — | −1.576 |
 * | 10 | 3 000 | 96.379° | 0.006–0.013 | 0.10082 | 0.9e-3–1.3e-3 | −1.680 |
 * | 10 | 4 000 | 96.379° | 0.005–0.012 | 0.10063–0.10068 | 0.8e-3 | −1.680 |
 * | 10 | 10 000 | 96.379° | 0.004–0.011 | 0.10059–0.10062 | 0.7e-3 | −1.681 |
 * | 10 | reference log (a_ours) | 96.379° | — | 0.1006 | — | — |
 *
 * (Initial loss 26.73 for C=100 and 1.21 for C=10 vs the logged ≈26.7 and ≈1.27.) The early stop
 * (every 250 steps: all norms within 0.5 % of the target and the loss moved < 1e-3) therefore ends
 * C=100 at about 2 500 steps (≈1–2 ms a step in plain JS, the sparse Gram matrix dominating) and
 * lets C=10 run the full 10 000 (≈0.07 ms a step): a few seconds and under a second, where the
 * full 10 000 steps take 15–20 s for C=100 on a 2-core machine. `earlyStop: false` follows the
 * reference literally.
 */
export const SSE_C_DEFAULTS = {
  sparsity: 0.6,
  targetNorm: 0.1,
  steps: 10_000,
  earlyStop: { every: 250, relativeNormTolerance: 0.005, lossTolerance: 1e-3 } as EarlyStop,
  lr: 1e-4,
  bias: 'random' as SseCBias,
} as const;

/** A built, frozen SSE-C. Arrays are owned by the object and must not be modified. */
export interface SseC {
  readonly featureDim: number;
  readonly numClasses: number;
  /** Dense S, row-major d×C (column c is class c's vector): logits = f·S + b. */
  readonly etf: Float32Array;
  /** The same matrix in nn.Linear layout (weight = Sᵀ, row-major C×d), for modules that expect it. */
  readonly weight: Float32Array;
  /** The fixed bias, length C. */
  readonly bias: Float32Array;
  /** The non-zeros of S: flat row-major d×C positions (ascending) and their values. */
  readonly sparse: { readonly positions: Int32Array; readonly values: Float32Array };
  /** Geometry after refinement (float32 values), comparable with the reference's log. */
  readonly geometry: EtfGeometry;
  /** How it was built. */
  readonly build: {
    readonly sparsity: number;
    readonly targetNorm: number;
    /** Adam steps taken. */
    readonly steps: number;
    /** The step budget (`options.steps`). */
    readonly maxSteps: number;
    readonly lr: number;
    readonly bias: SseCBias;
    readonly initialLoss: number;
    readonly finalLoss: SparseEtfLoss;
    readonly millis: number;
  };
}

/** Build the SSE-C of FedLoGe deterministically from `options.rng`. */
export function buildSseC(options: SseCOptions): SseC {
  const started = performance.now();
  const d = options.featureDim;
  const C = options.numClasses;
  const sparsity = options.sparsity ?? SSE_C_DEFAULTS.sparsity;
  const targetNorm = options.targetNorm ?? SSE_C_DEFAULTS.targetNorm;
  const steps = options.steps ?? SSE_C_DEFAULTS.steps;
  const earlyStop = options.earlyStop ?? SSE_C_DEFAULTS.earlyStop;
  const lr = options.lr ?? SSE_C_DEFAULTS.lr;
  const biasKind = options.bias ?? SSE_C_DEFAULTS.bias;
  validate(d, C, sparsity, targetNorm, steps, lr, biasKind);
  if (earlyStop) validateEarlyStop(earlyStop);

  const simplex = simplexEtf(d, C, options.rng.derive('basis'));

  // ⌊β·d·C⌋ as the reference's int(beta * d * C), evaluated in the same order.
  const zeroCount = Math.floor(sparsity * d * C);
  for (const p of options.rng.derive('mask').sampleWithoutReplacement(d * C, zeroCount)) simplex[p] = 0;
  const support = sparseSupportOf(simplex, d, C);
  const emptyColumn = firstEmptyColumn(support.colStart);
  if (emptyColumn >= 0) {
    throw new RangeError(
      `buildSseC: sparsity ${sparsity} zeroed every entry of class ${emptyColumn}'s vector (d=${d}, C=${C}); ` +
        'lower the sparsity or raise featureDim.',
    );
  }

  const values = new Float64Array(support.positions.length);
  for (let k = 0; k < values.length; k++) values[k] = simplex[support.positions[k]!]!;
  const trace = refineSparseEtf(new SparseEtfObjective(support, targetNorm), values, {
    steps,
    lr,
    ...(earlyStop ? { earlyStop } : {}),
  });

  const etf = new Float32Array(d * C);
  const sparseValues = new Float32Array(values.length);
  for (let k = 0; k < values.length; k++) {
    sparseValues[k] = values[k]!;
    etf[support.positions[k]!] = values[k]!;
  }
  const weight = new Float32Array(C * d);
  for (let i = 0; i < d; i++) for (let c = 0; c < C; c++) weight[c * d + i] = etf[i * C + c]!;

  const bias = new Float32Array(C);
  if (biasKind === 'random') {
    // PyTorch's nn.Linear bias init: U(−1/√fan_in, 1/√fan_in).
    const bound = 1 / Math.sqrt(d);
    const rng = options.rng.derive('bias');
    for (let c = 0; c < C; c++) bias[c] = rng.uniform(-bound, bound);
  }

  return {
    featureDim: d,
    numClasses: C,
    etf,
    weight,
    bias,
    sparse: { positions: support.positions, values: sparseValues },
    geometry: etfGeometry(etf, d, C),
    build: {
      sparsity,
      targetNorm,
      steps: trace.steps,
      maxSteps: steps,
      lr,
      bias: biasKind,
      initialLoss: trace.initialLoss,
      finalLoss: trace.finalLoss,
      millis: performance.now() - started,
    },
  };
}

/**
 * The dense simplex ETF M = √(C/(C−1)) · P · (I − 11ᵀ/C), row-major d×C in float64, with P the
 * orthonormal Q factor of a uniform[0,1) d×C matrix drawn from `rng`.
 */
export function simplexEtf(d: number, C: number, rng: Rng): Float64Array {
  const a = new Float64Array(d * C);
  for (let p = 0; p < a.length; p++) a[p] = rng.float();
  const p = reducedQrQ(a, d, C);
  const scale = Math.sqrt(C / (C - 1));
  const m = new Float64Array(d * C);
  for (let i = 0; i < d; i++) {
    // P·(I − 11ᵀ/C) subtracts each row's mean over the classes.
    let rowMean = 0;
    for (let c = 0; c < C; c++) rowMean += p[i * C + c]!;
    rowMean /= C;
    for (let c = 0; c < C; c++) m[i * C + c] = scale * (p[i * C + c]! - rowMean);
  }
  return m;
}

function firstEmptyColumn(colStart: Int32Array): number {
  for (let c = 0; c + 1 < colStart.length; c++) if (colStart[c + 1] === colStart[c]) return c;
  return -1;
}

function validate(d: number, C: number, sparsity: number, targetNorm: number, steps: number, lr: number, bias: string): void {
  const where = 'buildSseC';
  if (!Number.isInteger(C) || C < 2) {
    throw new RangeError(`${where}: expected an integer numClasses >= 2 but received ${C} of type ${typeof C}`);
  }
  if (!Number.isInteger(d) || d < C) {
    throw new RangeError(`${where}: expected an integer featureDim >= numClasses (${C}) for C orthonormal directions but received ${d}`);
  }
  if (!(sparsity >= 0 && sparsity < 1)) throw new RangeError(`${where}: expected sparsity in [0, 1) but received ${sparsity}`);
  if (!(targetNorm > 0) || !Number.isFinite(targetNorm)) {
    throw new RangeError(`${where}: expected a finite targetNorm > 0 but received ${targetNorm}`);
  }
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`${where}: expected an integer steps >= 0 but received ${steps}`);
  if (!(lr > 0) || !Number.isFinite(lr)) throw new RangeError(`${where}: expected a finite lr > 0 but received ${lr}`);
  if (bias !== 'random' && bias !== 'zero') {
    throw new RangeError(`${where}: expected bias 'random' or 'zero' but received '${bias}'`);
  }
}

function validateEarlyStop(stop: EarlyStop): void {
  const where = 'buildSseC: earlyStop';
  if (!Number.isInteger(stop.every) || stop.every < 1) {
    throw new RangeError(`${where}.every: expected a positive integer but received ${stop.every}`);
  }
  for (const key of ['relativeNormTolerance', 'lossTolerance'] as const) {
    if (!(stop[key] > 0)) throw new RangeError(`${where}.${key}: expected a number > 0 but received ${stop[key]}`);
  }
}
