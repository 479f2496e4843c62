/**
 * The one scan of a record's values: whether it holds NaN or ±Infinity, and its largest |value|. The round loop scans
 * each client update once with it (a non-finite update is dropped, the magnitude bounds the aggregated model) and each
 * new global model once; aggregators receive only finite updates and scan nothing.
 */
import type { ArrayRecord } from '../arrays.js';

/** What one pass over a record's values found. */
export interface RecordScan {
  /** The first key holding a NaN or ±Infinity; undefined when every value is finite. */
  readonly nonFiniteKey: string | undefined;
  /** The largest |value| (NaN never counts, ±Infinity does) and its key; 0 and undefined for an all-zero record. */
  readonly largest: { readonly value: number; readonly key: string | undefined };
}

/** One pass over every value of `record`. */
export function scanRecord(record: ArrayRecord): RecordScan {
  let nonFiniteKey: string | undefined;
  let value = 0;
  let key: string | undefined;
  for (const [k, { data }] of Object.entries(record)) {
    for (let i = 0; i < data.length; i++) {
      const x = data[i]!;
      // x − x is 0 for every finite x and NaN for NaN and ±Infinity.
      if (nonFiniteKey === undefined && x - x !== 0) nonFiniteKey = k;
      const a = Math.abs(x);
      if (a > value) {
        value = a;
        key = k;
      }
    }
  }
  return { nonFiniteKey, largest: { value, key } };
}

/** The first key of `record` holding a NaN or ±Infinity, or undefined when all values are finite. */
export function firstNonFiniteKey(record: ArrayRecord): string | undefined {
  return scanRecord(record).nonFiniteKey;
}
