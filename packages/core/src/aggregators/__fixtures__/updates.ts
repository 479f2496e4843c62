// Small builders for aggregator tests: records from plain number lists.
import type { ClientContribution } from '../../aggregator.js';
import type { ArrayRecord } from '../../arrays.js';
import { Rng } from '../../random.js';

/** A record of 1-D arrays, or of arrays with an explicit shape given as `[shape, values]`. */
export function record(entries: Record<string, number[] | [number[], number[]]>): ArrayRecord {
  const out: ArrayRecord = {};
  for (const [key, spec] of Object.entries(entries)) {
    const [shape, values] = Array.isArray(spec[0]) ? (spec as [number[], number[]]) : [[spec.length], spec as number[]];
    out[key] = { shape, data: Float32Array.from(values) };
  }
  return out;
}

export function update(
  clientId: number,
  numSamples: number,
  arrays: Record<string, number[] | [number[], number[]]>,
  weight?: number,
): ClientContribution {
  return weight === undefined ? { clientId, numSamples, arrays: record(arrays) } : { clientId, numSamples, arrays: record(arrays), weight };
}

/** The values of one entry as a plain array. */
export function valuesOf(r: ArrayRecord, key: string): number[] {
  return [...r[key]!.data];
}

/**
 * Six clients around a common model: honest client k sends `honestMean + noise` (σ = 0.01),
 * and the clients in `attackers` send their honest update scaled by `scale`. Returns the updates
 * and the exact mean of the honest ones.
 */
export function scaledAttackRound(attackers: readonly number[], scale = 1e3) {
  const rng = new Rng(7).derive('aggregators', 'attack');
  const size = 20;
  const centre = Array.from({ length: size }, (_, i) => 1 + 0.1 * i);
  const honest = Array.from({ length: 6 }, () => centre.map((c) => c + rng.normal(0, 0.01)));
  const updates = honest.map((values, k) => update(k, 100, { w: attackers.includes(k) ? values.map((x) => x * scale) : values }));
  const honestIds = honest.map((_, k) => k).filter((k) => !attackers.includes(k));
  const honestMean = centre.map((_, i) => honestIds.reduce((s, k) => s + Math.fround(honest[k]![i]!), 0) / honestIds.length);
  return { updates, honestMean, current: record({ w: centre.map(() => 0) }) };
}

/** Largest absolute coordinate difference. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}
