/**
 * Line chart of a value over rounds (accuracy in percent by default, or a loss), one polyline per
 * series, as inline SVG with an HTML legend. A `null` value (a group with nothing to measure)
 * breaks the line instead of pretending to be 0. A series may carry a spread per point (the
 * standard deviation over seeds), drawn as a translucent band of mean ± spread behind its line.
 */
import { escapeHtml } from '../escape.js';
import { seriesStyle } from './palette.js';
import { linearScale, niceTicks } from './scale.js';
import { element, round2, text, tooltip } from './svg-text.js';

export interface LinePoint {
  readonly x: number;
  /** The value (percent in [0, 100] unless the chart sets `yDomain`); null leaves a gap. */
  readonly y: number | null;
  /** Half-width of the band around `y` (e.g. std over seeds); absent or null draws no band here. */
  readonly spread?: number | null;
}

export interface LineSeries {
  readonly name: string;
  readonly points: readonly LinePoint[];
  /** Extra legend text, e.g. `mean ± std, 3 seeds`. */
  readonly note?: string;
}

export interface LineChartOptions {
  /** Accessible name of the chart and its caption. */
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly LineSeries[];
  /** y axis range. @default [0, 100] (percent) */
  readonly yDomain?: readonly [number, number];
  /** A value as the tooltips write it. @default two decimals and `%` */
  readonly valueText?: (y: number) => string;
  /** `small` fits three charts in a row (head, middle, tail). @default 'normal' */
  readonly size?: 'normal' | 'small';
}

// Two normal charts (GM and PM) or three small ones fit side by side in the 1100 px page.
const SIZES = { normal: { width: 500, height: 300 }, small: { width: 336, height: 220 } } as const;
const MARGIN = { top: 12, right: 16, bottom: 42, left: 52 } as const;

const percentText = (y: number) => `${y.toFixed(2)}%`;

/** A `<figure>` with the chart's SVG (one `path.series` per series with data, `path.band` per spread) and its legend. */
export function renderLineChart({
  title,
  xLabel,
  yLabel,
  series,
  yDomain = [0, 100],
  valueText = percentText,
  size = 'normal',
}: LineChartOptions): string {
  const { width: WIDTH, height: HEIGHT } = SIZES[size];
  const xs = series.flatMap((s) => s.points.map((p) => p.x));
  const xMin = xs.length > 0 ? Math.min(...xs) : 0;
  const xMax = xs.length > 0 ? Math.max(...xs) : 1;
  // A single evaluated round still gets a readable axis around it.
  const xDomain: [number, number] = xMax > xMin ? [xMin, xMax] : [xMin - 1, xMax + 1];
  const plotRight = WIDTH - MARGIN.right;
  const plotBottom = HEIGHT - MARGIN.bottom;
  const x = linearScale(xDomain, [MARGIN.left, plotRight]);
  const yScale = linearScale(yDomain, [plotBottom, MARGIN.top]);
  // Bands and lines stay inside the plot even where mean ± std leaves the axis range.
  const y = (v: number) => yScale(Math.min(Math.max(v, yDomain[0]), yDomain[1]));

  const grid = niceTicks(yDomain[0], yDomain[1], size === 'small' ? 4 : 5).map(
    (t) =>
      element('line', { class: 'grid', x1: MARGIN.left, x2: plotRight, y1: y(t), y2: y(t) }) +
      text(String(t), { class: 'tick', x: MARGIN.left - 6, y: y(t) + 4, 'text-anchor': 'end' }),
  );
  const xTicks = niceTicks(xDomain[0], xDomain[1], size === 'small' ? 5 : 8, true)
    .filter((t) => t >= xDomain[0] && t <= xDomain[1])
    .map(
      (t) =>
        element('line', { class: 'axis', x1: x(t), x2: x(t), y1: plotBottom, y2: plotBottom + 4 }) +
        text(String(t), { class: 'tick', x: x(t), y: plotBottom + 16, 'text-anchor': 'middle' }),
    );
  const axes = [
    element('line', { class: 'axis', x1: MARGIN.left, x2: plotRight, y1: plotBottom, y2: plotBottom }),
    element('line', { class: 'axis', x1: MARGIN.left, x2: MARGIN.left, y1: MARGIN.top, y2: plotBottom }),
    text(xLabel, { class: 'axis-label', x: (MARGIN.left + plotRight) / 2, y: HEIGHT - 6, 'text-anchor': 'middle' }),
    text(yLabel, {
      class: 'axis-label',
      x: 14,
      y: (MARGIN.top + plotBottom) / 2,
      'text-anchor': 'middle',
      transform: `rotate(-90 14 ${round2((MARGIN.top + plotBottom) / 2)})`,
    }),
  ];

  const drawn = series.map((s, i) => ({ s, style: seriesStyle(i), hasData: s.points.some((p) => p.y !== null) }));
  // Every band first, so no band covers another series' line.
  const bands = drawn
    .filter((d) => d.hasData)
    .flatMap(({ s, style }) =>
      bandData(s.points, x, y).map((d) => element('path', { class: 'band', 'data-series': s.name, d, fill: style.colour })),
    );
  const lines = drawn
    .filter((d) => d.hasData)
    .map(({ s, style }) => {
      const path = element('path', {
        class: 'series',
        'data-series': s.name,
        d: pathData(s.points, x, y),
        stroke: style.colour,
        'stroke-dasharray': style.dash || undefined,
      });
      const dots = s.points
        .filter((p): p is LinePoint & { y: number } => p.y !== null)
        .map((p) =>
          element(
            'circle',
            { class: 'point', cx: x(p.x), cy: y(p.y), r: size === 'small' ? 2 : 2.5, fill: style.colour },
            tooltip(`${s.name}, round ${p.x}: ${valueText(p.y)}${typeof p.spread === 'number' ? ` ± ${p.spread.toFixed(2)}` : ''}`),
          ),
        );
      return element('g', { class: 'series-group' }, path + dots.join(''));
    });

  const svg = element(
    'svg',
    {
      class: 'chart line-chart',
      role: 'img',
      'aria-label': title,
      viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
      width: WIDTH,
      height: HEIGHT,
      'data-series-count': lines.length,
      'data-band-count': bands.length,
    },
    [...grid, ...xTicks, ...axes, ...bands, ...lines].join(''),
  );
  const legend = drawn
    .map(
      ({ s, style, hasData }) =>
        `<li><svg class="swatch" width="22" height="10" aria-hidden="true">${element('line', {
          x1: 1,
          x2: 21,
          y1: 5,
          y2: 5,
          stroke: style.colour,
          'stroke-width': 2.5,
          'stroke-dasharray': style.dash || undefined,
        })}</svg>${escapeHtml(s.name)}${s.note ? ` <span class="legend-note">(${escapeHtml(s.note)})</span>` : ''}${
          hasData ? '' : ' <em>(no data)</em>'
        }</li>`,
    )
    .join('');
  return `<figure class="chart-figure${size === 'small' ? ' small' : ''}">${svg}<figcaption>${escapeHtml(title)}</figcaption><ul class="legend">${legend}</ul></figure>`;
}

/** `M x y L x y …`, starting a new subpath after every gap. */
function pathData(points: readonly LinePoint[], x: (v: number) => number, y: (v: number) => number): string {
  let d = '';
  let penDown = false;
  for (const p of points) {
    if (p.y === null) {
      penDown = false;
      continue;
    }
    d += `${penDown ? 'L' : 'M'}${round2(x(p.x))} ${round2(y(p.y))} `;
    penDown = true;
  }
  return d.trim();
}

/**
 * One closed outline of mean ± spread per run of consecutive points that have both (a point
 * without a spread, or a gap, ends the band; a band needs two points to have an area).
 */
function bandData(points: readonly LinePoint[], x: (v: number) => number, y: (v: number) => number): string[] {
  const runs: { x: number; low: number; high: number }[][] = [[]];
  for (const p of points) {
    if (p.y === null || typeof p.spread !== 'number') {
      runs.push([]);
      continue;
    }
    runs[runs.length - 1]!.push({ x: x(p.x), low: y(p.y - p.spread), high: y(p.y + p.spread) });
  }
  return runs
    .filter((r) => r.length >= 2)
    .map((r) => {
      const upper = r.map((q, i) => `${i === 0 ? 'M' : 'L'}${round2(q.x)} ${round2(q.high)}`);
      const lower = [...r].reverse().map((q) => `L${round2(q.x)} ${round2(q.low)}`);
      return `${[...upper, ...lower].join(' ')} Z`;
    });
}
