import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@fedloge/core';
import { etfGeometry, simplexEtfAngleDeg } from './etf-geometry.js';
import { buildSseC, simplexEtf, type SseC } from './sse-c.js';

describe('simplexEtf', () => {
  it('has unit columns with pairwise cosine −1/(C−1)', () => {
    const [d, C] = [32, 6];
    const m = simplexEtf(d, C, new Rng(5));
    for (let a = 0; a < C; a++) {
      for (let b = a; b < C; b++) {
        let dot = 0;
        for (let i = 0; i < d; i++) dot += m[i * C + a]! * m[i * C + b]!;
        expect(dot).toBeCloseTo(a === b ? 1 : -1 / (C - 1), 12);
      }
    }
  });
});

describe('buildSseC', () => {
  let c100: SseC;
  let c10: SseC;
  beforeAll(() => {
    c100 = buildSseC({ featureDim: 512, numClasses: 100, rng: new Rng(3407).derive('sse-c') });
    c10 = buildSseC({ featureDim: 512, numClasses: 10, rng: new Rng(3407).derive('sse-c') });
    console.log(
      `SSE-C build d=512: C=100 ${c100.build.millis.toFixed(0)} ms (${c100.build.steps} steps), ` +
        `C=10 ${c10.build.millis.toFixed(0)} ms (${c10.build.steps} steps); C=100 geometry ${JSON.stringify(c100.geometry)}`,
    );
  });

  it.each([
    ['C=100', () => c100, 30_720],
    ['C=10', () => c10, 3_072],
  ])('%s zeroes exactly ⌊0.6·d·C⌋ entries outside the support', (_, get, zeros) => {
    const s = get();
    expect(s.sparse.positions.length).toBe(512 * s.numClasses - zeros);
    const onSupport = new Uint8Array(512 * s.numClasses);
    for (const p of s.sparse.positions) onSupport[p] = 1;
    let offSupportNonZero = 0;
    for (let p = 0; p < onSupport.length; p++) if (!onSupport[p] && s.etf[p] !== 0) offSupportNonZero++;
    expect(offSupportNonZero).toBe(0);
    s.sparse.positions.forEach((p, k) => expect(s.etf[p]).toBe(s.sparse.values[k]));
  });

  it.each([
    ['C=100', () => c100],
    ['C=10', () => c10],
  ])('%s reaches the target column norm and the simplex-ETF angle', (_, get) => {
    const s = get();
    const g = etfGeometry(s.etf, 512, s.numClasses);
    for (let c = 0; c < s.numClasses; c++) {
      let sq = 0;
      for (let i = 0; i < 512; i++) sq += s.etf[i * s.numClasses + c]! ** 2;
      expect(Math.abs(Math.sqrt(sq) - 0.1)).toBeLessThan(1e-3);
    }
    expect(Math.abs(g.meanAngleDeg - simplexEtfAngleDeg(s.numClasses))).toBeLessThan(0.5);
  });

  it('matches the reference log for C=100 (sse_c.log: angle 90.578°, norm 0.10024, loss 26.7 → −1.576)', () => {
    expect(c100.geometry.meanAngleDeg).toBeCloseTo(90.578, 2);
    expect(c100.geometry.meanNorm).toBeCloseTo(0.10024, 3);
    expect(c100.build.initialLoss).toBeCloseTo(26.7, 0);
    expect(c100.build.finalLoss.loss).toBeCloseTo(-1.576, 2);
  });

  it('stores the nn.Linear layout as the transpose and a random frozen bias within ±1/√d', () => {
    const { etf, weight, bias, numClasses: C } = c10;
    for (let i = 0; i < 512; i++) for (let c = 0; c < C; c++) expect(weight[c * 512 + i]).toBe(etf[i * C + c]);
    const bound = 1 / Math.sqrt(512);
    for (const b of bias) expect(Math.abs(b)).toBeLessThanOrEqual(bound);
    expect(new Set(bias).size).toBe(C);
  });

  it('is a deterministic function of the stream, and differs across streams', () => {
    const a = buildSseC({ featureDim: 64, numClasses: 8, steps: 200, rng: new Rng(11).derive('sse-c') });
    const b = buildSseC({ featureDim: 64, numClasses: 8, steps: 200, rng: new Rng(11).derive('sse-c') });
    const other = buildSseC({ featureDim: 64, numClasses: 8, steps: 200, rng: new Rng(12).derive('sse-c') });
    expect(b.etf).toEqual(a.etf);
    expect(b.bias).toEqual(a.bias);
    expect(other.etf).not.toEqual(a.etf);
  });

  it("gives a zero bias with bias: 'zero'", () => {
    const s = buildSseC({ featureDim: 16, numClasses: 4, steps: 10, bias: 'zero', rng: new Rng(1) });
    expect(Array.from(s.bias)).toEqual([0, 0, 0, 0]);
  });

  it.each([
    // One class: no ETF exists (C−1 = 0).
    [{ featureDim: 8, numClasses: 1 }, /numClasses >= 2/],
    // Fewer dimensions than classes: C orthonormal directions do not fit.
    [{ featureDim: 4, numClasses: 8 }, /featureDim >= numClasses/],
    // Sparsity 1 would zero everything.
    [{ featureDim: 8, numClasses: 4, sparsity: 1 }, /sparsity in \[0, 1\)/],
    [{ featureDim: 8, numClasses: 4, targetNorm: 0 }, /targetNorm > 0/],
    [{ featureDim: 8, numClasses: 4, steps: 1.5 }, /integer steps/],
    [{ featureDim: 8, numClasses: 4, bias: 'none' as 'zero' }, /bias 'random' or 'zero'/],
    [{ featureDim: 8, numClasses: 4, earlyStop: { every: 0, relativeNormTolerance: 0.1, lossTolerance: 1 } }, /every/],
    // A tiny matrix at 95 % sparsity leaves some class without any non-zero.
    [{ featureDim: 2, numClasses: 2, sparsity: 0.75 }, /zeroed every entry of class/],
  ])('rejects bad options %#', (options, message) => {
    expect(() => buildSseC({ ...options, rng: new Rng(1) })).toThrow(message);
  });
});
