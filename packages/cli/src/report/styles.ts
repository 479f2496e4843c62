/** The report's stylesheet, inlined into report.html (no external files: the page opens offline). */
export const REPORT_CSS = `
:root { color-scheme: light; --fg: #1b1b1b; --muted: #5f6368; --line: #d0d4d9; --accent: #4e79a7; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1100px; padding: 24px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: #fff; }
h1 { font-size: 22px; margin: 0 0 12px; }
h2 { font-size: 18px; margin: 32px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 20px 0 6px; }
p.note { color: var(--muted); margin: 4px 0 12px; }
dl.settings { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0; }
dl.settings dt { color: var(--muted); }
dl.settings dd { margin: 0; font-variant-numeric: tabular-nums; }
table { border-collapse: collapse; margin: 8px 0 16px; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { padding: 3px 10px; border-bottom: 1px solid var(--line); text-align: right; }
th[scope="row"], thead th:first-child { text-align: left; }
th[colspan] { text-align: center; }
thead th { border-bottom: 2px solid var(--fg); }
td.round { color: var(--muted); }
td.key { color: var(--muted); text-align: left; font-family: ui-monospace, monospace; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; }
figure.chart-figure { margin: 0; }
figure.scroll { max-width: 100%; overflow-x: auto; }
figcaption { font-weight: 600; margin: 2px 0; }
svg.chart { display: block; max-width: none; background: #fff; }
svg.chart .grid { stroke: #eceff1; }
svg.chart .axis { stroke: #6b7278; }
svg.chart .tick { font-size: 11px; fill: #3c4043; }
svg.chart .tick.note { fill: var(--muted); font-size: 10px; }
svg.chart .axis-label { font-size: 12px; fill: #3c4043; }
svg.chart .series { fill: none; stroke-width: 2; stroke-linejoin: round; }
svg.chart .band { fill-opacity: 0.18; stroke: none; }
svg.chart .reference { stroke: #5f6368; stroke-width: 1; stroke-dasharray: 4 3; }
/* A figure is as wide as its chart: a long legend wraps under it instead of pushing the next chart to a new row. */
figure.chart-figure:not(.scroll) { width: min-content; }
figure.small ul.legend { font-size: 12px; }
ul.legend li { white-space: nowrap; }
ul.legend .legend-note { color: var(--muted); }
svg.chart .cell { stroke: #fff; stroke-width: 0.5; }
svg.chart .cell-count { font-size: 10px; pointer-events: none; }
svg.chart .legend-ramp { stroke: #6b7278; stroke-width: 0.5; }
ul.legend { list-style: none; display: flex; flex-wrap: wrap; gap: 4px 16px; padding: 0; margin: 4px 0 0; }
ul.legend li { display: flex; align-items: center; gap: 6px; }
ul.legend .box { display: inline-block; width: 12px; height: 12px; }
footer { margin-top: 32px; color: var(--muted); font-size: 12px; }
@media print { body { max-width: none; padding: 0; } figure.chart-figure { break-inside: avoid; } figure.scroll { overflow: visible; } }
`;
