import { describe, expect, it } from 'vitest';
import { record } from '../aggregators/__fixtures__/updates.js';
import { firstNonFiniteKey, scanRecord } from './finite.js';

describe('scanRecord', () => {
  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])('finds %s and names the first array holding one', (bad) => {
    expect(scanRecord(record({ a: [1, 2], b: [3, bad, 4], c: [bad] })).nonFiniteKey).toBe('b');
    expect(firstNonFiniteKey(record({ a: [1, 2], b: [3, bad, 4] }))).toBe('b');
  });

  it('accepts finite extremes', () => {
    expect(scanRecord(record({ a: [3.4e38, -3.4e38, 0, -0, 1e-45] })).nonFiniteKey).toBeUndefined();
  });

  it('gives the largest |value| and its key in the same pass, NaN never counting', () => {
    expect(scanRecord(record({ a: [1, -7], b: [Number.NaN, 3] })).largest).toEqual({ value: 7, key: 'a' });
    expect(scanRecord(record({ a: [1], b: [Number.NEGATIVE_INFINITY] })).largest).toEqual({ value: Number.POSITIVE_INFINITY, key: 'b' });
    expect(scanRecord(record({ a: [0, -0] })).largest).toEqual({ value: 0, key: undefined });
  });
});
