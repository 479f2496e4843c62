import { describe, expect, it } from 'vitest';
import { variantLabel, variantLabels } from './variant-labels.js';

describe('variantLabel', () => {
  const labels = { 'gm/ga-fr': 'GM global (GA-FR)', 'pm/la-fr': 'PM personalized (LA-FR)' };

  it("uses the strategy's label, adding masked/unmasked to PM keys", () => {
    expect(variantLabel('gm/ga-fr', labels)).toBe('GM global (GA-FR)');
    expect(variantLabel('pm/la-fr', labels)).toBe('PM personalized (LA-FR), masked');
    expect(variantLabel('pm/la-fr/unmasked', labels)).toBe('PM personalized (LA-FR), unmasked');
  });

  it('falls back to GM/PM and the variant name for unlabelled keys', () => {
    expect(variantLabel('gm/global')).toBe('GM global');
    expect(variantLabel('pm/global/unmasked')).toBe('PM global, unmasked');
    expect(variantLabel('other')).toBe('other');
  });

  it('labels every key in order', () => {
    expect(Object.entries(variantLabels(['pm/x', 'gm/ga-fr'], labels))).toEqual([
      ['pm/x', 'PM x, masked'],
      ['gm/ga-fr', 'GM global (GA-FR)'],
    ]);
  });
});
