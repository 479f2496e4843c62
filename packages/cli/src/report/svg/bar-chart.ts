/**
 * Grouped bar chart of per-class accuracy (percent): one group of bars per class, one bar per
 * series (strategy). Classes keep their index order, which for the long-tailed sets is head to
 * tail, and each label carries the class's training-set size so the tail is easy to spot.
 */
import { escapeHtml } from '../escape.js';
import { seriesStyle } from './palette.js';
import { linearScale, niceTicks } from './scale.js';
import { element, text, tooltip } from './svg-text.js';
import { textWidth } from './text-width.js';

export interface BarSeries {
  readonly name: string;
  /** Percent per category; null draws no bar (and says so in the tooltip). */
  readonly values: readonly (number | null)[];
}

export interface BarChartOptions {
  readonly title: string;
  readonly yLabel: string;
  /** Category labels, e.g. class names. */
  readonly categories: readonly string[];
  /** A second label line per category, e.g. `n=5000`. */
  readonly notes?: readonly string[];
  readonly series: readonly BarSeries[];
  /** A dashed horizontal line across the plot, e.g. the mean, labelled at its right end. */
  readonly reference?: { readonly value: number; readonly label: string };
}

const PLOT_HEIGHT = 224;
const MARGIN = { top: 12, right: 16, bottom: 44, left: 52 } as const;
const MIN_WIDTH = 640;
/** Rotated labels closer than this (px along the axis) would overlap: only every k-th is drawn. */
const ROTATED_LABEL_PITCH = 13;

/** A `<figure>` with the chart's SVG (`rect.bar` per value) and a legend when there are several series. */
export function renderBarChart({ title, yLabel, categories, notes, series, reference }: BarChartOptions): string {
  const groups = categories.length;
  const perGroup = Math.max(series.length, 1);
  // Bars stay at least 4 px wide; many classes widen the chart (it scrolls) rather than vanish.
  const barWidth = Math.max(4, Math.min(28, 560 / (groups * perGroup)));
  // Each class gets its bars plus a gap, and at least its share of the minimum chart width.
  const slot = Math.max(barWidth * perGroup + Math.max(4, barWidth * 0.8), (MIN_WIDTH - MARGIN.left - MARGIN.right) / Math.max(groups, 1));
  // Labels that would overlap their neighbours are rotated by 45°, with the note on the same line,
  // and thinned to every k-th when even rotated ones would touch; the margins grow to hold the
  // longest drawn label (its estimated width, projected onto the axes).
  const rotate = categories.some((c, i) => Math.max(textWidth(c), textWidth(notes?.[i] ?? '', 10)) + 4 > slot);
  const labelEvery = rotate ? Math.ceil(ROTATED_LABEL_PITCH / slot) : 1;
  const rotatedLabels = categories.map((c, i) => (notes?.[i] ? `${c} · ${notes[i]}` : c));
  const reach = (label: string) => textWidth(label) * Math.SQRT1_2;
  const drawnLabels = rotatedLabels.filter((_, i) => i % labelEvery === 0);
  // A rotated label reaches left of its centre by its reach; the one reaching furthest past the axis sets the margin.
  const overhang = Math.max(0, ...rotatedLabels.map((l, i) => (i % labelEvery === 0 ? reach(l) - (i + 0.5) * slot : 0)));
  const left = rotate ? Math.max(MARGIN.left, overhang + 8) : MARGIN.left;
  const bottom = rotate ? Math.max(MARGIN.bottom, Math.max(0, ...drawnLabels.map(reach)) + 24) : MARGIN.bottom;
  const referenceWidth = reference ? textWidth(reference.label, 10) + 8 : 0;
  const height = PLOT_HEIGHT + MARGIN.top + bottom;
  const width = left + MARGIN.right + groups * slot + referenceWidth;
  const plotBottom = MARGIN.top + PLOT_HEIGHT;
  const plotRight = left + groups * slot;
  const y = linearScale([0, 100], [plotBottom, MARGIN.top]);

  const grid = niceTicks(0, 100, 5).map(
    (t) =>
      element('line', { class: 'grid', x1: left, x2: plotRight, y1: y(t), y2: y(t) }) +
      text(String(t), { class: 'tick', x: left - 6, y: y(t) + 4, 'text-anchor': 'end' }),
  );
  const bars: string[] = [];
  const labels: string[] = [];
  categories.forEach((category, c) => {
    const groupLeft = left + c * slot + (slot - barWidth * perGroup) / 2;
    series.forEach((s, i) => {
      const v = s.values[c] ?? null;
      const what = `${s.name}, ${category}${notes?.[c] ? ` (${notes[c]})` : ''}: ${v === null ? 'no test images' : `${v.toFixed(2)}%`}`;
      if (v === null) return;
      bars.push(
        element(
          'rect',
          {
            class: 'bar',
            'data-series': s.name,
            x: groupLeft + i * barWidth,
            y: y(v),
            width: Math.max(barWidth - 1, 1),
            height: Math.max(plotBottom - y(v), 0),
            fill: seriesStyle(i).colour,
          },
          tooltip(what),
        ),
      );
    });
    const cx = left + (c + 0.5) * slot;
    if (c % labelEvery !== 0) return;
    labels.push(
      rotate
        ? text(rotatedLabels[c]!, {
            class: 'tick',
            x: cx,
            y: plotBottom + 10,
            'text-anchor': 'end',
            transform: `rotate(-45 ${cx} ${plotBottom + 10})`,
          })
        : text(category, { class: 'tick', x: cx, y: plotBottom + 14, 'text-anchor': 'middle' }) +
            (notes?.[c] ? text(notes[c]!, { class: 'tick note', x: cx, y: plotBottom + 27, 'text-anchor': 'middle' }) : ''),
    );
  });
  const axes = [
    element('line', { class: 'axis', x1: left, x2: plotRight, y1: plotBottom, y2: plotBottom }),
    element('line', { class: 'axis', x1: left, x2: left, y1: MARGIN.top, y2: plotBottom }),
    text(yLabel, {
      class: 'axis-label',
      x: left - 38,
      y: (MARGIN.top + plotBottom) / 2,
      'text-anchor': 'middle',
      transform: `rotate(-90 ${left - 38} ${(MARGIN.top + plotBottom) / 2})`,
    }),
  ];
  if (reference) {
    const ry = y(reference.value);
    axes.push(
      element('line', { class: 'reference', x1: left, x2: plotRight, y1: ry, y2: ry }),
      text(reference.label, { class: 'tick note', x: plotRight + 4, y: ry + 4, 'text-anchor': 'start' }),
    );
  }
  const svg = element(
    'svg',
    {
      class: 'chart bar-chart',
      role: 'img',
      'aria-label': title,
      viewBox: `0 0 ${width} ${height}`,
      width,
      height,
      'data-series-count': series.length,
    },
    [...grid, ...bars, ...axes, ...labels].join(''),
  );
  const legend =
    series.length > 1
      ? `<ul class="legend">${series
          .map((s, i) => `<li><span class="box" style="background:${seriesStyle(i).colour}"></span>${escapeHtml(s.name)}</li>`)
          .join('')}</ul>`
      : '';
  return `<figure class="chart-figure scroll">${svg}<figcaption>${escapeHtml(title)}</figcaption>${legend}</figure>`;
}
