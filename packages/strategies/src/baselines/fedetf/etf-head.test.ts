import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@fedloge/core/data';
import { describe, expect, it } from 'vitest';
import { EtfHead } from './etf-head.js';

describe('EtfHead', () => {
  it('holds a simplex ETF: unit-norm class prototypes with pairwise cosine −1/(C−1)', () => {
    const head = new EtfHead({ inputDim: 5, numClasses: 4, projectionDim: 6, rng: new Rng(1) });
    const m = head.etf.arraySync() as number[][];
    const column = (c: number) => m.map((row) => row[c]!);
    for (let a = 0; a < 4; a++) {
      expect(Math.hypot(...column(a))).toBeCloseTo(1, 5);
      for (let b = a + 1; b < 4; b++) expect(column(a).reduce((s, v, i) => s + v * column(b)[i]!, 0)).toBeCloseTo(-1 / 3, 5);
    }
    head.dispose();
  });

  it('scores s·(h/‖h‖)·M with h = f·Pᵀ + b, computed by hand', () => {
    const head = new EtfHead({ inputDim: 3, numClasses: 3, projectionDim: 3, rng: new Rng(2) });
    tf.tidy(() => head.temperature.assign(tf.scalar(2.5)));
    const f = [[1, -2, 0.5]];
    const before = tf.memory().numTensors;
    const got = tf.tidy(() => head.apply(tf.tensor2d(f)).arraySync()[0]!);
    expect(tf.memory().numTensors).toBe(before);
    const p = head.projection.weight.arraySync() as number[][];
    const b = head.projection.bias.arraySync() as number[];
    const m = head.etf.arraySync() as number[][];
    const h = p.map((row, i) => b[i]! + row.reduce((s, w, j) => s + w * f[0]![j]!, 0));
    const n = Math.hypot(...h);
    const expected = [0, 1, 2].map((c) => 2.5 * h.reduce((s, v, i) => s + (v / n) * m[i]![c]!, 0));
    expected.forEach((v, c) => expect(got[c]).toBeCloseTo(v, 5));
    head.dispose();
  });

  it('rejects a projection narrower than the number of classes', () => {
    expect(() => new EtfHead({ inputDim: 3, numClasses: 4, projectionDim: 3, rng: new Rng(1) })).toThrow(
      /projectionDim >= numClasses \(4\)/,
    );
  });
});
