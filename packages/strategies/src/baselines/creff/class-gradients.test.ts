import { describe, expect, it } from 'vitest';
import { averageClassGradients, classGradientEntries } from './class-gradients.js';

const g = (w: number[], b: number[]) => ({ weight: Float32Array.from(w), bias: Float32Array.from(b) });

describe('class gradients', () => {
  it('averages each class over the clients that sent it, with equal weights', () => {
    // 2 classes, d = 1. Client 1 holds both classes, client 2 only class 1.
    const client1 = { ...classGradientEntries(0, g([1, 2], [3, 4]), 2, 1), ...classGradientEntries(1, g([2, 2], [0, 0]), 2, 1) };
    const client2 = classGradientEntries(1, g([4, 0], [2, 2]), 2, 1);
    const avg = averageClassGradients([client1, client2], 2, 1);
    expect([...avg.keys()].sort()).toEqual([0, 1]);
    expect(Array.from(avg.get(0)!.weight)).toEqual([1, 2]);
    expect(Array.from(avg.get(1)!.weight)).toEqual([3, 1]);
    expect(Array.from(avg.get(1)!.bias)).toEqual([1, 1]);
  });

  it('ignores other entries and rejects half a gradient', () => {
    expect(averageClassGradients([{ 'backbone.w': { shape: [1], data: Float32Array.of(1) } }], 2, 1).size).toBe(0);
    const half = { 'creff.gradient.1.weight': { shape: [2, 1], data: Float32Array.of(1, 2) } };
    expect(() => averageClassGradients([half], 2, 1)).toThrow(/class 1's gradient must come as/);
  });
});
