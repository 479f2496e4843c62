/**
 * Line chart of accuracy (percent) over rounds, one polyline per series, as inline SVG with an
 * HTML legend. A `null` value (a group with nothing to measure) breaks the line instead of
 * pretending to be 0.
 */
import { escapeHtml } from '../escape.js';
import { seriesStyle } from './palette.js';
import { linearScale, niceTicks } from './scale.js';
import { element, round2, text, tooltip } from './svg-text.js';

export interface LinePoint {
  readonly x: number;
  /** Percent in [0, 100]; null leaves a gap. */
  readonly y: number | null;
}

export interface LineSeries {
  readonly name: string;
  readonly points: readonly LinePoint[];
}

export interface LineChartOptions {
  /** Accessible name of the chart and its caption. */
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly LineSeries[];
}

// Two charts (GM and PM) fit side by side in the 1100 px page.
const WIDTH = 500;
const HEIGHT = 300;
const MARGIN = { top: 12, right: 16, bottom: 42, left: 52 } as const;

/** A `<figure>` with the chart's SVG (one `path.series` per series with data) and its legend. */
export function renderLineChart({ title, xLabel, yLabel, series }: LineChartOptions): string {
  const xs = series.flatMap((s) => s.points.map((p) => p.x));
  const xMin = xs.length > 0 ? Math.min(...xs) : 0;
  const xMax = xs.length > 0 ? Math.max(...xs) : 1;
  // A single evaluated round still gets a readable axis around it.
  const xDomain: [number, number] = xMax > xMin ? [xMin, xMax] : [xMin - 1, xMax + 1];
  const plotRight = WIDTH - MARGIN.right;
  const plotBottom = HEIGHT - MARGIN.bottom;
  const x = linearScale(xDomain, [MARGIN.left, plotRight]);
  const y = linearScale([0, 100], [plotBottom, MARGIN.top]);

  const grid = niceTicks(0, 100, 5).map(
    (t) =>
      element('line', { class: 'grid', x1: MARGIN.left, x2: plotRight, y1: y(t), y2: y(t) }) +
      text(String(t), { class: 'tick', x: MARGIN.left - 6, y: y(t) + 4, 'text-anchor': 'end' }),
  );
  const xTicks = niceTicks(xDomain[0], xDomain[1], 8, true)
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
        .filter((p): p is { x: number; y: number } => p.y !== null)
        .map((p) =>
          element(
            'circle',
            { class: 'point', cx: x(p.x), cy: y(p.y), r: 2.5, fill: style.colour },
            tooltip(`${s.name}, round ${p.x}: ${p.y.toFixed(2)}%`),
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
    },
    [...grid, ...xTicks, ...axes, ...lines].join(''),
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
        })}</svg>${escapeHtml(s.name)}${hasData ? '' : ' <em>(no data)</em>'}</li>`,
    )
    .join('');
  return `<figure class="chart-figure">${svg}<figcaption>${escapeHtml(title)}</figcaption><ul class="legend">${legend}</ul></figure>`;
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
