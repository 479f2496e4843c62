import { describe, expect, it } from 'vitest';
import { parseClientIds } from './client-ids.js';

describe('parseClientIds', () => {
  it('reads ids and inclusive ranges, ascending and unique', () => {
    expect(parseClientIds('0-3')).toEqual([0, 1, 2, 3]);
    expect(parseClientIds('7, 2-4,3,10-10')).toEqual([2, 3, 4, 7, 10]);
  });
  it('refuses malformed lists with the part that is wrong', () => {
    expect(() => parseClientIds('0-')).toThrow(/'0-' is not an id or a range/);
    expect(() => parseClientIds('5-2')).toThrow(/runs backwards; write it as 2-5/);
    expect(() => parseClientIds('a')).toThrow(/'a'/);
  });
});
