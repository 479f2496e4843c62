/** Linear scales and "nice" axis ticks for the report's charts. */

/** Maps a data interval onto a pixel interval (either may be reversed, as SVG y grows downwards). */
export interface LinearScale {
  (value: number): number;
  readonly domain: readonly [number, number];
}

/** A linear map from `domain` to `range`; a zero-width domain maps everything to the range middle. */
export function linearScale(domain: readonly [number, number], range: readonly [number, number]): LinearScale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0;
  const scale = (value: number) => (span === 0 ? (r0 + r1) / 2 : r0 + ((value - d0) / span) * (r1 - r0));
  return Object.assign(scale, { domain: [d0, d1] as const });
}

/**
 * At most about `count` evenly spaced ticks in [min, max] with a step of 1, 2 or 5 × 10^k (the
 * usual "nice numbers" rule, Heckbert, Graphics Gems 1990), so labels read as round values.
 * `integer` keeps the step ≥ 1 (round numbers).
 */
export function niceTicks(min: number, max: number, count: number, integer = false): number[] {
  if (!(max > min)) return [min];
  const rough = (max - min) / Math.max(count, 1);
  const magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
  const residual = rough / magnitude;
  let step = (residual > 5 ? 10 : residual > 2 ? 5 : residual > 1 ? 2 : 1) * magnitude;
  if (integer) step = Math.max(1, Math.round(step));
  const ticks: number[] = [];
  // Round to the step's precision so 0.1 + 0.2 style drift never shows in a label.
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  for (let t = Math.ceil(min / step) * step; t <= max + step * 1e-9; t += step) ticks.push(Number(t.toFixed(decimals)));
  return ticks;
}

/**
 * The smallest nice tick (as `niceTicks` would place it) at or above `max`, so an axis from 0
 * ends on a labelled value; 1 for an empty or non-positive range.
 */
export function niceUpper(max: number, count = 5): number {
  if (!(max > 0)) return 1;
  const ticks = niceTicks(0, max, count);
  const step = ticks.length > 1 ? ticks[1]! - ticks[0]! : max;
  const last = ticks[ticks.length - 1]!;
  return last >= max ? last : Number((last + step).toPrecision(12));
}
