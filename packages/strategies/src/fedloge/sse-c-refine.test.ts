import { describe, expect, it } from 'vitest';
import { Rng } from '@fedloge/core';
import { SparseEtfObjective, refineSparseEtf, sparseSupportOf } from './sse-c-refine.js';

/** A random sparse rows×cols matrix (about `density` non-zeros, every column non-empty). */
function randomSparse(rows: number, cols: number, density: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const m = new Float64Array(rows * cols);
  for (let p = 0; p < m.length; p++) if (rng.float() < density) m[p] = rng.uniform(-0.5, 0.5);
  for (let c = 0; c < cols; c++) m[c] = rng.uniform(0.1, 0.5); // row 0 keeps every column non-empty
  return m;
}

/** The SSE-C loss computed densely and independently of the objective's sparse bookkeeping. */
function denseLoss(m: Float64Array, rows: number, cols: number, target: number): number {
  const cols_ = Array.from({ length: cols }, (_, c) => Array.from({ length: rows }, (_, i) => m[i * cols + c]!));
  const norms = cols_.map((v) => Math.hypot(...v));
  let loss = norms.reduce((s, r) => s + (r - target) ** 2, 0);
  let angles = 0;
  for (let c = 0; c < cols; c++) {
    let best = -Infinity;
    for (let j = 0; j < cols; j++) {
      if (j === c) continue;
      const cos = cols_[c]!.reduce((s, x, i) => s + x * cols_[j]![i]!, 0) / (norms[c]! * norms[j]!);
      best = Math.max(best, cos);
    }
    angles += Math.acos(Math.min(0.99999, Math.max(-0.99999, best)));
  }
  loss -= angles / cols;
  return loss;
}

describe('SparseEtfObjective', () => {
  const [rows, cols] = [10, 5];
  const dense = randomSparse(rows, cols, 0.5, 7);
  const support = sparseSupportOf(dense, rows, cols);
  const values = Float64Array.from(support.positions, (p) => dense[p]!);

  it('records the support in row-major order with consistent row/column groupings', () => {
    let nnz = 0;
    for (const x of dense) if (x !== 0) nnz++;
    expect(support.positions.length).toBe(nnz);
    for (let k = 0; k < nnz; k++) {
      expect(support.positions[k]).toBe(support.rowOf[k]! * cols + support.colOf[k]!);
      if (k > 0) expect(support.positions[k]!).toBeGreaterThan(support.positions[k - 1]!);
    }
    for (let c = 0; c < cols; c++) {
      for (let e = support.colStart[c]!; e < support.colStart[c + 1]!; e++) expect(support.colOf[support.colMembers[e]!]).toBe(c);
    }
  });

  it('computes the same loss as a dense evaluation', () => {
    const objective = new SparseEtfObjective(support, 0.1);
    const { loss, normLoss, angleLoss } = objective.evaluate(values, new Float64Array(values.length));
    expect(loss).toBeCloseTo(denseLoss(dense, rows, cols, 0.1), 12);
    expect(loss).toBeCloseTo(normLoss + angleLoss, 14);
  });

  it('has the gradient of central finite differences on every non-zero', () => {
    const objective = new SparseEtfObjective(support, 0.1);
    const grad = new Float64Array(values.length);
    objective.evaluate(values, grad);
    const h = 1e-6;
    for (let k = 0; k < values.length; k++) {
      const plus = dense.slice();
      const minus = dense.slice();
      plus[support.positions[k]!]! += h;
      minus[support.positions[k]!]! -= h;
      const numeric = (denseLoss(plus, rows, cols, 0.1) - denseLoss(minus, rows, cols, 0.1)) / (2 * h);
      expect(grad[k]).toBeCloseTo(numeric, 6);
    }
  });

  it('masked Adam lowers the loss', () => {
    const objective = new SparseEtfObjective(support, 0.1);
    const refined = values.slice();
    const trace = refineSparseEtf(objective, refined, { steps: 300, lr: 1e-3 });
    expect(trace.initialLoss).toBeCloseTo(denseLoss(dense, rows, cols, 0.1), 12);
    expect(trace.finalLoss.loss).toBeLessThan(trace.initialLoss - 0.1);
  });

  it('takes exactly one torch.optim.Adam step of size lr on the first update', () => {
    // First Adam step: m̂ = g, v̂ = g², so every entry with g ≠ 0 moves by −lr·sign(g) (up to ε).
    const objective = new SparseEtfObjective(support, 0.1);
    const grad = new Float64Array(values.length);
    objective.evaluate(values, grad);
    const stepped = values.slice();
    refineSparseEtf(objective, stepped, { steps: 1, lr: 1e-3 });
    for (let k = 0; k < values.length; k++) {
      const expected = values[k]! - (1e-3 * grad[k]!) / (Math.abs(grad[k]!) + 1e-8);
      expect(stepped[k]).toBeCloseTo(expected, 12);
    }
  });

  it('stops early only once norms and loss have settled', () => {
    const objective = new SparseEtfObjective(support, 0.1);
    const full = refineSparseEtf(objective, values.slice(), { steps: 3000, lr: 1e-3 });
    expect(full.steps).toBe(3000);
    const early = refineSparseEtf(objective, values.slice(), {
      steps: 3000,
      lr: 1e-3,
      earlyStop: { every: 50, relativeNormTolerance: 0.05, lossTolerance: 1e-3 },
    });
    expect(early.steps).toBeLessThan(3000);
    expect(early.steps % 50).toBe(0);
    expect(early.finalLoss.maxNormError).toBeLessThanOrEqual(0.05 * 0.1);
    // A tolerance no jittering Adam can meet never stops early.
    const strict = refineSparseEtf(objective, values.slice(), {
      steps: 500,
      lr: 1e-3,
      earlyStop: { every: 50, relativeNormTolerance: 1e-12, lossTolerance: 1e-4 },
    });
    expect(strict.steps).toBe(500);
  });
});
