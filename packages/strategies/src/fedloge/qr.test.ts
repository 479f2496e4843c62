import { describe, expect, it } from 'vitest';
import { Rng } from '@fedloge/core';
import { reducedQrQ } from './qr.js';

function uniformMatrix(rows: number, cols: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  return Float64Array.from({ length: rows * cols }, () => rng.float());
}

/** (Aᵀ B)[i][j] for row-major rows×cols matrices. */
function gram(a: Float64Array, b: Float64Array, rows: number, cols: number): number[][] {
  const g = Array.from({ length: cols }, () => new Array<number>(cols).fill(0));
  for (let i = 0; i < rows; i++)
    for (let p = 0; p < cols; p++) for (let q = 0; q < cols; q++) g[p]![q]! += a[i * cols + p]! * b[i * cols + q]!;
  return g;
}

describe('reducedQrQ', () => {
  it('has orthonormal columns for an ill-conditioned uniform matrix', () => {
    const [rows, cols] = [64, 20];
    const q = reducedQrQ(uniformMatrix(rows, cols, 1), rows, cols);
    const g = gram(q, q, rows, cols);
    for (let p = 0; p < cols; p++) for (let r = 0; r < cols; r++) expect(Math.abs(g[p]![r]! - (p === r ? 1 : 0))).toBeLessThan(1e-12);
  });

  it('spans the column space of A: Q Qᵀ A = A, and R = QᵀA is upper triangular', () => {
    const [rows, cols] = [9, 4];
    const a = uniformMatrix(rows, cols, 2);
    const q = reducedQrQ(a, rows, cols);
    const r = gram(q, a, rows, cols); // R = QᵀA
    for (let p = 0; p < cols; p++) for (let j = 0; j < p; j++) expect(Math.abs(r[p]![j]!)).toBeLessThan(1e-12);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        let back = 0;
        for (let p = 0; p < cols; p++) back += q[i * cols + p]! * r[p]![j]!;
        expect(back).toBeCloseTo(a[i * cols + j]!, 12);
      }
    }
  });

  it('matches a hand-computed 2×2 factorisation up to column signs', () => {
    // A = [[3, 1], [4, 2]]: q₁ = (3, 4)/5, q₂ ⟂ q₁ = (−4, 3)/5 (up to sign).
    const q = reducedQrQ(Float64Array.from([3, 1, 4, 2]), 2, 2);
    expect(Math.abs(q[0]!)).toBeCloseTo(0.6, 14);
    expect(Math.abs(q[2]!)).toBeCloseTo(0.8, 14);
    expect(Math.abs(q[1]!)).toBeCloseTo(0.8, 14);
    expect(Math.abs(q[3]!)).toBeCloseTo(0.6, 14);
    expect(q[0]! * q[1]! + q[2]! * q[3]!).toBeCloseTo(0, 14);
  });

  it.each([
    // rows < cols has no reduced QR with orthonormal columns.
    [Float64Array.from([1, 2, 3, 4, 5, 6]), 2, 3, /rows >= cols/],
    // The buffer does not hold rows × cols entries.
    [Float64Array.from([1, 2, 3]), 2, 2, /3 entries but 2×2 = 4/],
  ])('rejects bad input %#', (a, rows, cols, message) => {
    expect(() => reducedQrQ(a, rows, cols)).toThrow(message);
  });
});
