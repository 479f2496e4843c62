/**
 * Heat map of the client partition: one row per client, one column per class, each cell the
 * number of training images of that class on that client. The colour follows log(1 + count),
 * because Dirichlet splits of long-tailed data put counts from 0 to thousands side by side and a
 * linear scale would show only the largest cells.
 */
import { escapeHtml } from '../escape.js';
import { rampColour, rampStops, rampTextColour } from './palette.js';
import { element, text, tooltip } from './svg-text.js';
import { textWidth } from './text-width.js';

export interface HeatMapOptions {
  readonly title: string;
  /** `counts[row][column]`, non-negative integers, every row as long as `columnLabels`. */
  readonly counts: readonly (readonly number[])[];
  readonly rowLabels: readonly string[];
  readonly columnLabels: readonly string[];
}

/** The least margins; the label margins grow to hold the labels (estimated widths). */
const MARGIN = { top: 24, right: 48, bottom: 56, left: 40 } as const;
const LEGEND_TEXT = 'images (log scale)';

/** A `<figure>` with the heat map's SVG (`rect.cell` per client × class) and a colour legend. */
export function renderHeatMap({ title, counts, rowLabels, columnLabels }: HeatMapOptions): string {
  const rows = counts.length;
  const columns = columnLabels.length;
  const cellWidth = Math.max(6, Math.min(48, 640 / Math.max(columns, 1)));
  const cellHeight = Math.max(4, Math.min(22, 560 / Math.max(rows, 1)));
  const showCounts = cellWidth >= 30 && cellHeight >= 14;
  const max = Math.max(1, ...counts.flat());
  const shade = (count: number) => Math.log1p(count) / Math.log1p(max);
  const plotWidth = columns * cellWidth;
  const plotHeight = rows * cellHeight;
  // Label every row/column while they fit; otherwise every k-th.
  const rowEvery = Math.ceil(12 / cellHeight);
  const columnEvery = Math.ceil(14 / cellWidth);
  // Column labels run up and to the right at 45°: a label of width w reaches w·√½ above the
  // plot (plus its glyph height) and w·√½ right of its column, so the last ones set the right edge.
  const drawnColumns = columnLabels.map((label, c) => ({ label, c })).filter(({ c }) => c % columnEvery === 0);
  const reach = (label: string) => textWidth(label) * Math.SQRT1_2;
  const top = Math.max(MARGIN.top, Math.max(0, ...drawnColumns.map(({ label }) => reach(label))) + 20);
  const left = Math.max(MARGIN.left, Math.max(0, ...rowLabels.map((l) => textWidth(l))) + 12);
  const totals = counts.map((row) => row.reduce((a, b) => a + b, 0));
  const totalsWidth = Math.max(textWidth('total', 10), ...totals.map((t) => textWidth(String(t), 10))) + 10;
  const columnsRight = Math.max(0, ...drawnColumns.map(({ label, c }) => (c + 0.5) * cellWidth + reach(label) + 10));
  const legendWidth = Math.min(240, Math.max(plotWidth, 120));
  const legendRight = legendWidth + 8 + textWidth(LEGEND_TEXT, 10) + 6;
  const width = left + Math.max(plotWidth + Math.max(MARGIN.right, totalsWidth), columnsRight, legendRight);
  const height = top + plotHeight + MARGIN.bottom;

  const cells: string[] = [];
  counts.forEach((row, r) => {
    row.forEach((count, c) => {
      const t = shade(count);
      const x = left + c * cellWidth;
      const y = top + r * cellHeight;
      cells.push(
        element(
          'rect',
          { class: 'cell', x, y, width: cellWidth, height: cellHeight, fill: rampColour(t), 'data-count': count },
          tooltip(`${rowLabels[r]}, ${columnLabels[c]}: ${count} images`),
        ),
      );
      if (showCounts && count > 0) {
        cells.push(
          text(String(count), {
            class: 'cell-count',
            x: x + cellWidth / 2,
            y: y + cellHeight / 2 + 4,
            'text-anchor': 'middle',
            fill: rampTextColour(t),
          }),
        );
      }
    });
    const total = totals[r]!;
    if (r % rowEvery === 0) {
      const cy = top + (r + 0.5) * cellHeight + 4;
      cells.push(text(rowLabels[r] ?? String(r), { class: 'tick', x: left - 6, y: cy, 'text-anchor': 'end' }));
      cells.push(text(String(total), { class: 'tick note', x: left + plotWidth + 6, y: cy, 'text-anchor': 'start' }));
    }
  });
  const columnText = columnLabels
    .map((label, c) => {
      if (c % columnEvery !== 0) return '';
      const cx = left + (c + 0.5) * cellWidth;
      return text(label, {
        class: 'tick',
        x: cx,
        y: top - 6,
        'text-anchor': 'start',
        transform: `rotate(-45 ${cx} ${top - 6})`,
      });
    })
    .join('');
  const totalsHeader = text('total', { class: 'tick note', x: left + plotWidth + 6, y: top - 6, 'text-anchor': 'start' });

  const legendY = top + plotHeight + 18;
  const legendTicks = legendCounts(max).map((n) => {
    const lx = left + shade(n) * legendWidth;
    return (
      element('line', { class: 'axis', x1: lx, x2: lx, y1: legendY + 10, y2: legendY + 14 }) +
      text(String(n), { class: 'tick', x: lx, y: legendY + 26, 'text-anchor': 'middle' })
    );
  });
  const gradientId = 'heat-ramp';
  const gradient = element(
    'linearGradient',
    { id: gradientId, x1: 0, x2: 1, y1: 0, y2: 0 },
    rampStops()
      .map(([offset, colour]) => element('stop', { offset, 'stop-color': colour }))
      .join(''),
  );
  const legend =
    element('defs', {}, gradient) +
    element('rect', { class: 'legend-ramp', x: left, y: legendY, width: legendWidth, height: 10, fill: `url(#${gradientId})` }) +
    legendTicks.join('') +
    text(LEGEND_TEXT, { class: 'tick note', x: left + legendWidth + 8, y: legendY + 9, 'text-anchor': 'start' });

  const svg = element(
    'svg',
    {
      class: 'chart heat-map',
      role: 'img',
      'aria-label': title,
      viewBox: `0 0 ${width} ${height}`,
      width,
      height,
      'data-rows': rows,
      'data-columns': columns,
    },
    cells.join('') + columnText + totalsHeader + legend,
  );
  return `<figure class="chart-figure scroll">${svg}<figcaption>${escapeHtml(title)}</figcaption></figure>`;
}

/** Legend ticks: 0, the powers of ten below `max`, and `max` itself. */
function legendCounts(max: number): number[] {
  const ticks = [0];
  for (let p = 1; p < max; p *= 10) if (p * 3 < max || p === 1) ticks.push(p);
  ticks.push(max);
  return [...new Set(ticks)];
}
