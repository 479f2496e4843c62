import type { ArrayRecord } from '../arrays.js';

/** The first key of `record` holding a NaN or ±Infinity, or undefined when all values are finite. */
export function firstNonFiniteKey(record: ArrayRecord): string | undefined {
  for (const [key, { data }] of Object.entries(record)) {
    for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i]!)) return key;
  }
  return undefined;
}
