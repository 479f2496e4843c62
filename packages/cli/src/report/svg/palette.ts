/** Colours of the report: a categorical palette for series and a sequential ramp for the heat map. */

/**
 * Tableau 10 (Tableau Software's default categorical palette): ten hues that stay distinct for
 * common colour-vision deficiencies. Series beyond ten reuse the hues with a dash pattern.
 */
export const SERIES_COLOURS = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
] as const;

const DASHES = ['', '6 3', '2 3', '8 3 2 3'] as const;

/** Stroke colour and dash pattern of series `i` (distinct for the first 40 series). */
export function seriesStyle(i: number): { readonly colour: string; readonly dash: string } {
  return {
    colour: SERIES_COLOURS[i % SERIES_COLOURS.length]!,
    dash: DASHES[Math.floor(i / SERIES_COLOURS.length) % DASHES.length]!,
  };
}

/** Ramp stops from empty (white) to the largest count (dark blue), as RGB. */
const RAMP: readonly (readonly [number, number, number])[] = [
  [247, 251, 255],
  [198, 219, 239],
  [107, 174, 214],
  [33, 113, 181],
  [8, 48, 107],
];

/** Colour of `t` in [0, 1] on the sequential ramp (piecewise-linear RGB interpolation). */
export function rampColour(t: number): string {
  const x = Math.min(Math.max(t, 0), 1) * (RAMP.length - 1);
  const i = Math.min(Math.floor(x), RAMP.length - 2);
  const f = x - i;
  const [a, b] = [RAMP[i]!, RAMP[i + 1]!];
  const channel = (k: number) => Math.round(a[k]! + f * (b[k]! - a[k]!));
  return `rgb(${channel(0)},${channel(1)},${channel(2)})`;
}

/** The ramp's stops as `[offset, colour]` for an SVG gradient legend. */
export function rampStops(): readonly (readonly [number, string])[] {
  return RAMP.map((_, i) => [i / (RAMP.length - 1), rampColour(i / (RAMP.length - 1))] as const);
}

/** Text colour readable on ramp colour `t` (white on the dark end). */
export function rampTextColour(t: number): string {
  return t > 0.55 ? '#ffffff' : '#1b1b1b';
}
