// The host-side stride math of the cuda backend, checked by evaluating each view element by element against the
// operation computed directly on nested index loops (and against tfjs-cpu where tfjs has the operation).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';

import {
  broadcastStrides,
  broadcastView,
  denseStrides,
  mergeDimensions,
  placeView,
  sliceView,
  tileView,
  transposeView,
  type StridedCopyView,
} from './strides.js';

/** Runs a strided copy on the host exactly as the device kernel does (row-major over shape). */
function applyCopy(view: StridedCopyView, x: ArrayLike<number>, y: number[]): number[] {
  const n = view.shape.reduce((a, b) => a * b, 1);
  for (let i = 0; i < n; i++) {
    let rest = i;
    let xo = view.xOffset;
    let yo = view.yOffset;
    for (let d = view.shape.length - 1; d >= 0; d--) {
      const c = rest % view.shape[d]!;
      rest = Math.floor(rest / view.shape[d]!);
      xo += c * view.xStrides[d]!;
      yo += c * view.yStrides[d]!;
    }
    y[yo] = x[xo]!;
  }
  return y;
}

const iota = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('cuda backend stride math', () => {
  it('dense strides are row-major', () => {
    expect(denseStrides([2, 3, 4])).toEqual([12, 4, 1]);
    expect(denseStrides([])).toEqual([]);
  });

  it('broadcast strides read the right element for every output coordinate', async () => {
    await tf.setBackend('cpu');
    const cases: [number[], number[]][] = [
      [
        [4, 1, 6],
        [5, 1],
      ],
      [
        [3, 1],
        [1, 4],
      ],
      [[2, 3, 4], [4]],
      [[1], [2, 2]],
    ];
    for (const [aShape, bShape] of cases) {
      const out = tf.backend_util.assertAndGetBroadcastShape(aShape, bShape);
      const as = broadcastStrides(aShape, out);
      const bs = broadcastStrides(bShape, out);
      const a = iota(aShape.reduce((p, q) => p * q, 1));
      const b = iota(bShape.reduce((p, q) => p * q, 1)).map((v) => v * 1000);
      const m = mergeDimensions(out, [as, bs]);
      expect(m.shape.length).toBeLessThanOrEqual(out.length);
      const n = out.reduce((p, q) => p * q, 1);
      const mine: number[] = [];
      for (let i = 0; i < n; i++) {
        let rest = i,
          ao = 0,
          bo = 0;
        for (let d = m.shape.length - 1; d >= 0; d--) {
          const c = rest % m.shape[d]!;
          rest = Math.floor(rest / m.shape[d]!);
          ao += c * m.strides[0]![d]!;
          bo += c * m.strides[1]![d]!;
        }
        mine.push(a[ao]! + b[bo]!);
      }
      const expected = tf.tidy(() => Array.from(tf.add(tf.tensor(a, aShape), tf.tensor(b, bShape)).dataSync()));
      expect(mine, `${aShape} + ${bShape}`).toEqual(expected);
    }
  });

  it('rejects shapes that do not broadcast', () => {
    expect(() => broadcastStrides([3], [4])).toThrow(/cannot broadcast/);
  });

  it('merges contiguous dimensions and drops ones', () => {
    expect(mergeDimensions([2, 1, 3, 4], [denseStrides([2, 1, 3, 4])])).toEqual({ shape: [24], strides: [[1]] });
    expect(mergeDimensions([1, 1], [[1, 1]])).toEqual({ shape: [1], strides: [[0]] });
  });

  it('transpose, slice and place views match tfjs-cpu', async () => {
    await tf.setBackend('cpu');
    const shape = [3, 4, 5, 2];
    const x = iota(120);
    for (const perm of [
      [3, 0, 2, 1],
      [0, 1, 3, 2],
      [1, 0, 2, 3],
    ]) {
      const y = applyCopy(transposeView(shape, perm), x, new Array(120).fill(0));
      expect(y).toEqual(tf.tidy(() => Array.from(tf.transpose(tf.tensor(x, shape), perm).dataSync())));
    }
    const begin = [1, 0, 2, 1],
      size = [2, 3, 2, 1];
    const s = applyCopy(sliceView(shape, begin, size), x, new Array(12).fill(0));
    expect(s).toEqual(tf.tidy(() => Array.from(tf.slice(tf.tensor(x, shape), begin, size).dataSync())));
    // concat along axis 2 = two place views into one output
    const other = iota(3 * 4 * 1 * 2).map((v) => -v);
    const outShape = [3, 4, 6, 2];
    const out = new Array(144).fill(0);
    applyCopy(placeView(shape, outShape, [0, 0, 0, 0]), x, out);
    applyCopy(placeView([3, 4, 1, 2], outShape, [0, 0, 5, 0]), other, out);
    expect(out).toEqual(tf.tidy(() => Array.from(tf.concat([tf.tensor(x, shape), tf.tensor(other, [3, 4, 1, 2])], 2).dataSync())));
  });

  it('tile and broadcastTo views match tfjs-cpu', async () => {
    await tf.setBackend('cpu');
    const shape = [2, 3, 1];
    const x = iota(6);
    for (const reps of [
      [2, 1, 3],
      [1, 2, 1],
      [3, 3, 2],
    ]) {
      const n = shape.reduce((a, s, d) => a * s * reps[d]!, 1);
      const y = applyCopy(tileView(shape, reps), x, new Array(n).fill(0));
      expect(y, `reps ${reps}`).toEqual(tf.tidy(() => Array.from(tf.tile(tf.tensor(x, shape), reps).dataSync())));
    }
    const b = applyCopy(broadcastView(shape, [4, 2, 3, 5]), x, new Array(120).fill(0));
    expect(b).toEqual(tf.tidy(() => Array.from(tf.broadcastTo(tf.tensor(x, shape), [4, 2, 3, 5]).dataSync())));
  });
});
