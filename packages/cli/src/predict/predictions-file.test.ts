import { describe, expect, it } from 'vitest';
import { formatPredictions } from './predictions-file.js';

const rows = [
  { index: 7, label: 3, predicted: 3 },
  { index: 12, label: 0, predicted: 9 },
];

describe('formatPredictions', () => {
  it('writes one JSON object per line with index, label, predicted', () => {
    const text = formatPredictions(rows, 'jsonl');
    expect(text.endsWith('\n')).toBe(true);
    expect(
      text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual(rows);
  });

  it('writes CSV with a header row', () => {
    expect(formatPredictions(rows, 'csv')).toBe('index,label,predicted\n7,3,3\n12,0,9\n');
  });
});
