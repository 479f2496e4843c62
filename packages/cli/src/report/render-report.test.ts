import { describe, expect, it } from 'vitest';
import type { ShotAccuracy } from '@fedloge/core';
import type { ReportData, ReportRun } from './report-data.js';
import { renderReport } from './render-report.js';
import { textWidth } from './svg/text-width.js';

const shot = (acc: number | null, head: number | null, middle: number | null, tail: number | null): ShotAccuracy => ({
  acc,
  head,
  middle,
  tail,
});

/** A two-round run with one GM and two PM variants; `offset` makes runs distinguishable. */
function run(name: string, offset: number): ReportRun {
  const gm1 = shot(0.4 + offset, 0.6, 0.3, 0.1);
  const gm2 = shot(0.5 + offset, 0.7, 0.4, null);
  const pm1 = shot(0.65 + offset, 0.8, 0.5, 0.2);
  const pm2 = shot(0.6 + offset, 0.75, 0.45, 0.25);
  return {
    name,
    rounds: [
      { round: 1, gm: gm1, pm: pm1, variants: { 'gm/avg': gm1, 'pm/local': pm1, 'pm/local/unmasked': shot(0.55, 0.7, 0.4, 0.1) } },
      { round: 2, gm: gm2, pm: pm2, variants: { 'gm/avg': gm2, 'pm/local': pm2, 'pm/local/unmasked': shot(0.5, 0.6, 0.3, 0.2) } },
    ],
    best: { gm: { round: 2, metrics: gm2 }, pm: { round: 1, metrics: pm1 } },
    perClassGm: [
      { class: 0, name: 'T-shirt', trainImages: 600, acc: 0.9 },
      { class: 1, name: 'Trouser', trainImages: 60, acc: 0.45 },
      { class: 2, name: 'Pullover', trainImages: 6, acc: null },
    ],
  };
}

const partition = {
  clientClassCounts: [
    [500, 10, 0],
    [100, 50, 6],
  ],
  classNames: ['T-shirt', 'Trouser', 'Pullover'],
};

const trainData: ReportData = {
  title: 'fedavg on fashion-mnist',
  settings: [['seed', '3407']],
  variants: true,
  runs: [run('fedavg', 0)],
  partition,
};

const count = (html: string, pattern: RegExp) => (html.match(pattern) ?? []).length;

describe('renderReport', () => {
  it('is one self-contained HTML document: inline style, no script, no external resource', () => {
    const html = renderReport(trainData);
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(count(html, /<html/g)).toBe(1);
    expect(count(html, /<\/html>/g)).toBe(1);
    expect(html).toContain('<style>');
    expect(html).not.toMatch(/<script|<link rel="stylesheet"|@import|https?:\/\/(?!www\.w3\.org)/);
    // The only link is the empty data: icon; every src is absent.
    expect(html).not.toMatch(/\ssrc=/);
  });

  it('prints last-round and best-round GM/PM numbers as percent with two decimals', () => {
    const html = renderReport(trainData);
    const lastRow = rowOf(html, 'last', 'fedavg');
    // variant, seeds; round, all, head, middle, tail for GM; PM masking; then PM. A null group is a dash.
    expect(cells(lastRow)).toEqual([
      'headline',
      '1',
      '2',
      '50.00',
      '70.00',
      '40.00',
      '–',
      'masked',
      '2',
      '60.00',
      '75.00',
      '45.00',
      '25.00',
    ]);
    // GM best at round 2, PM best at round 1 (chosen separately).
    expect(cells(rowOf(html, 'best', 'fedavg'))).toEqual([
      'headline',
      '1',
      '2',
      '50.00',
      '70.00',
      '40.00',
      '–',
      'masked',
      '1',
      '65.00',
      '80.00',
      '50.00',
      '20.00',
    ]);
    // The other PM (unmasked) has its own row, labelled, with its own best round.
    const unmasked = html.match(
      /<table class="results" data-selection="best">.*?<tr data-strategy="fedavg" data-variant="pm\/local\/unmasked">(.*?)<\/tr>/s,
    )![1]!;
    expect(cells(unmasked)).toEqual([
      'PM local, unmasked',
      '1',
      '–',
      '–',
      '–',
      '–',
      '–',
      'unmasked',
      '1',
      '55.00',
      '70.00',
      '40.00',
      '10.00',
    ]);
  });

  it('draws one GM line per gm/ variant and one PM line per pm/ variant for a single run, for all classes and each group', () => {
    const html = renderReport(trainData);
    expect(lineCharts(html)).toEqual([
      ['fedavg: GM accuracy per round', 1],
      ['fedavg: PM accuracy per round', 2],
      ['fedavg: GM head accuracy', 1],
      ['fedavg: GM middle accuracy', 1],
      ['fedavg: GM tail accuracy', 1],
      ['fedavg: PM head accuracy', 2],
      ['fedavg: PM middle accuracy', 2],
      ['fedavg: PM tail accuracy', 2],
    ]);
    expect(html).toContain('data-series="pm/local/unmasked"');
    // 2 points per series: 3 series on all classes; head and middle as many; tail loses the null GM point.
    expect(count(html, /<circle class="point"/g)).toBe(3 * 2 * 4 - 1);
  });

  it("plots each group's accuracy of each variant at its own height", () => {
    const html = renderReport(trainData);
    // PM middle of pm/local: 50% then 45%; plot from y=258 (0%) to y=12 (100%) in a small chart (220 px, 42 px bottom margin).
    const small = chartOf(html, 'fedavg: PM middle accuracy');
    const dots = [...small.matchAll(/<circle class="point" cx="[\d.]+" cy="([\d.]+)"[^>]*><title>pm\/local, round/g)].map((m) =>
      Number(m[1]),
    );
    const y = (pct: number) => 178 - (pct / 100) * (178 - 12);
    expect(dots).toEqual([y(50), y(45)].map((v) => Math.round(v * 100) / 100));
  });

  it("draws the run's training loss per round on an axis from 0 to a nice value above the largest loss", () => {
    const withLoss: ReportRun = {
      ...run('fedavg', 0),
      losses: [
        { round: 1, loss: 1.8 },
        { round: 2, loss: null },
        { round: 3, loss: 0.9 },
      ],
    };
    const html = renderReport({ ...trainData, runs: [withLoss] });
    const chart = chartOf(html, "fedavg: training loss per round (mean over the round's clients)");
    // niceUpper(1.8) = 2 (ticks of 0.5): 0.9 sits at 45% of the plot height (y from 258 down to 12).
    expect(chart).toContain('>1.5</text>');
    expect(chart).not.toContain('>2.5</text>');
    const dots = [...chart.matchAll(/<circle class="point" cx="[\d.]+" cy="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(dots).toEqual([258 - 0.9 * 246, 258 - 0.45 * 246].map((v) => Math.round(v * 100) / 100));
    expect(chart).toContain('training loss, round 3: 0.9000');
    // Round 2 had no loss: the line breaks there.
    expect(count(chart.match(/<path class="series"[^>]* d="([^"]+)"/)![1]!, /M/g)).toBe(2);
  });

  it("draws every client's final PM sorted best first, with its training images and classes, and the mean as a line", () => {
    const withClients: ReportRun = {
      ...run('fedavg', 0),
      clients: [
        { client: 0, pm: 0.5, trainImages: 510, classes: 2 },
        { client: 1, pm: null, trainImages: 3, classes: 1 },
        { client: 2, pm: 0.9, trainImages: 1200, classes: 3 },
      ],
    };
    const html = renderReport({ ...trainData, runs: [withClients] });
    const chart = chartOf(html, 'fedavg: PM accuracy per client after the last round');
    const bars = [...chart.matchAll(/<rect class="bar"[^>]*><title>([^<]*)<\/title>/g)].map((m) => m[1]);
    // Client 1 has no local test data: no bar, last in the order.
    expect(bars).toEqual(['fedavg, client 2 (1\u2009200 img · 3/3 classes): 90.00%', 'fedavg, client 0 (510 img · 2/3 classes): 50.00%']);
    const labels = [...chart.matchAll(/<text class="tick"[^>]*>(client \d[^<]*)<\/text>/g)].map((m) => m[1]);
    expect(labels.map((l) => l!.split(' ·')[0])).toEqual(['client 2', 'client 0', 'client 1']);
    // The mean over clients with data, (90 + 50) / 2, labelled and drawn at 70% of the 224 px plot.
    expect(chart).toContain('>mean 70.00%</text>');
    const line = chart.match(/<line class="reference"[^>]* y1="([\d.]+)"/)!;
    expect(Number(line[1])).toBeCloseTo(12 + 224 * 0.3, 2);
    expect(html).toContain('Headline PM (masked) of each client after round 2');
  });

  it("names variants by the run's labels in the curves and the variants table, keeping the key", () => {
    const labelled = {
      ...run('fedloge', 0),
      variantLabels: { 'gm/avg': 'GM universal (SSE-C)', 'pm/local': 'PM stage 1 (local+global head), masked' },
    };
    const html = renderReport({ ...trainData, runs: [labelled] });
    expect(html).toContain('data-series="GM universal (SSE-C)"');
    expect(html).toContain('data-series="pm/local/unmasked"'); // no label: the key
    const variantRow = html.match(
      /<tr><th scope="row">PM stage 1 \(local\+global head\), masked<\/th><td class="key">pm\/local<\/td>(.*?)<\/tr>/,
    );
    expect(variantRow?.[1]).toBe('<td>60.00</td><td>75.00</td><td>45.00</td><td>25.00</td>');
  });

  it('draws a bar per class with a test accuracy and a heat-map cell per client and class', () => {
    const html = renderReport(trainData);
    // Class 2 has no accuracy (null): no bar.
    expect(count(html, /<rect class="bar"/g)).toBe(2);
    expect(html).toMatch(/<rect class="bar"[^>]*height="([\d.]+)"/);
    const cellCounts = [...html.matchAll(/<rect class="cell"[^>]*data-count="(\d+)"/g)].map((m) => Number(m[1]));
    expect(cellCounts).toEqual([500, 10, 0, 100, 50, 6]);
    // Row totals: 510 and 156; the grand total in the note.
    expect(html).toContain('>510</text>');
    expect(html).toContain('>156</text>');
    expect(html).toContain('2 clients × 3 classes, 666 training images');
  });

  it('bar heights are proportional to accuracy', () => {
    const html = renderReport(trainData);
    const heights = [...html.matchAll(/<rect class="bar"[^>]*height="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(heights[1]! / heights[0]!).toBeCloseTo(0.45 / 0.9, 2);
  });

  it('compares strategies: one results row each, one headline line per strategy, the heat map once', () => {
    const html = renderReport({ ...trainData, variants: false, title: 'compare', runs: [run('fedavg', 0), run('fedrod', 0.1)] });
    expect(cells(rowOf(html, 'last', 'fedrod')).slice(0, 4)).toEqual(['headline', '1', '2', '60.00']);
    expect(count(html, /<tr data-strategy=/g)).toBe(4); // 2 strategies × (last, best)
    const charts = lineCharts(html);
    // Comparison GM and PM (2 strategies each) and their groups, then GM (1) and PM (2) variants per strategy.
    expect(charts.filter(([title]) => !title.includes(':'))).toEqual([
      ['GM accuracy per round', 2],
      ['Headline PM accuracy per round', 2],
    ]);
    expect(charts.filter(([title]) => /^(GM|Headline PM): /.test(title)).map(([, n]) => n)).toEqual([2, 2, 2, 2, 2, 2]);
    const perRun = charts.filter(([title]) => /^(fedavg|fedrod): (GM|PM) accuracy per round$/.test(title));
    expect(perRun.map(([, n]) => n)).toEqual([1, 2, 1, 2]);
    // No seeds were repeated: no band anywhere.
    expect(html).not.toContain('class="band"');
    expect(count(html, /<svg class="chart heat-map"/g)).toBe(1);
    expect(count(html, /<rect class="bar"/g)).toBe(4);
  });

  it('folds the seeds of a strategy into its mean line with a ± std band in the comparison curves', () => {
    const seeded = (seed: number, offset: number, losses: readonly number[]): ReportRun => ({
      ...run('fedavg', offset),
      seed,
      losses: losses.map((loss, i) => ({ round: i + 1, loss })),
    });
    const html = renderReport({
      ...trainData,
      variants: false,
      title: 'compare',
      runs: [seeded(1, 0, [2, 1]), seeded(2, 0.1, [1.6, 0.6]), { ...run('fedrod', 0), losses: [] }],
    });
    const gm = chartOf(html, 'GM accuracy per round');
    expect(gm).toContain('data-series-count="2"');
    expect(gm).toContain('data-band-count="1"');
    // Round 1 GM: 40% and 50% -> mean 45, sample std √((25 + 25) / 1) = 7.07.
    expect(gm).toContain('<title>fedavg, round 1: 45.00% ± 7.07</title>');
    // The band spans 45 ± 7.07 % at round 1 (x = 52, the left end; y from 258 at 0% to 12 at 100%).
    const band = gm.match(/<path class="band" data-series="fedavg" d="([^"]+)"/)![1]!;
    const y = (pct: number) => Math.round((258 - (pct / 100) * 246) * 100) / 100;
    expect(band.startsWith(`M52 ${y(45 + Math.sqrt(50))}`)).toBe(true);
    expect(band).toContain(`L52 ${y(45 - Math.sqrt(50))} Z`);
    expect(html).toContain('(mean ± std, 2 seeds)');
    // The loss: fedavg's two seeds (mean 1.8, 0.8), fedrod has none and is listed without data.
    const loss = chartOf(html, 'Training loss per round');
    expect(loss).toContain('<title>fedavg, round 1: 1.8000 ± 0.28</title>');
    expect(html).toMatch(/Training loss per round<\/figcaption><ul class="legend">.*?fedrod <em>\(no data\)<\/em>/);
    // Each seed keeps its own section and curves.
    expect(html).toContain('fedavg (seed 2): learning curves');
  });

  it('gives rotated heat-map column labels and row labels the room their estimated width needs', () => {
    const long = 'a very long class name indeed';
    const html = renderReport({ ...trainData, partition: { ...partition, classNames: ['T-shirt', 'Trouser', long] } });
    const tag = html.match(/<svg class="chart heat-map"[^>]*>/)![0];
    const [, , width, height] = tag
      .match(/viewBox="([^"]+)"/)![1]!
      .split(' ')
      .map(Number);
    // The long label is the last column: it needs its width · √½ above the plot and right of its column.
    const plotTop = Number(html.match(/<rect class="cell" x="[\d.]+" y="([\d.]+)"/)![1]);
    expect(plotTop).toBeGreaterThan(textWidth(long) * Math.SQRT1_2);
    const lastColumnCentre = Number(html.match(/<text class="tick" x="([\d.]+)"[^>]*>a very long/)![1]);
    expect(width).toBeGreaterThan(lastColumnCentre + textWidth(long) * Math.SQRT1_2);
    expect(height).toBeGreaterThan(plotTop);
  });

  it('escapes strategy, class and setting names everywhere they appear', () => {
    const evil = '<img src=x onerror="alert(1)">&co';
    const html = renderReport({
      ...trainData,
      title: evil,
      settings: [[evil, evil]],
      runs: [run(evil, 0), run('plain', 0)],
      partition: { ...partition, classNames: [evil, 'b', 'c'] },
    });
    expect(html).not.toContain('<img');
    expect(html).not.toContain('"alert(1)"');
    expect(html).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;co');
  });

  it('breaks a learning curve at a round without a value instead of drawing 0', () => {
    const r = run('fedavg', 0);
    const middle = { round: 2, gm: shot(null, null, null, null), pm: r.rounds[0]!.pm, variants: {} };
    const html = renderReport({ ...trainData, runs: [{ ...r, rounds: [r.rounds[0]!, middle, { ...r.rounds[1]!, round: 3 }] }] });
    const gmPath = html.match(/<path class="series" data-series="gm\/avg" d="([^"]+)"/)![1]!;
    expect(count(gmPath, /M/g)).toBe(2);
    expect(count(gmPath, /L/g)).toBe(0);
  });

  it('rejects a run without any evaluated round, naming it', () => {
    expect(() => renderReport({ ...trainData, runs: [{ ...run('fedprox', 0), rounds: [] }] })).toThrow(/'fedprox' has no evaluated round/);
  });

  it('is deterministic', () => {
    expect(renderReport(trainData)).toBe(renderReport(trainData));
  });
});

/** `[title, series drawn]` of every line chart, in page order. */
function lineCharts(html: string): [string, number][] {
  return [...html.matchAll(/<svg class="chart line-chart"[^>]*aria-label="([^"]*)"[^>]*data-series-count="(\d+)"/g)].map((m) => [
    m[1]!.replace(/&#39;/g, "'"),
    Number(m[2]),
  ]);
}

/** The `<svg>` markup of the chart whose accessible name is `title`. */
function chartOf(html: string, title: string): string {
  const start = html.indexOf(`aria-label="${title.replace(/'/g, '&#39;')}"`);
  if (start < 0) throw new Error(`no chart '${title}'`);
  return html.slice(html.lastIndexOf('<svg', start), html.indexOf('</svg>', start));
}

/** The `<tr>` of `strategy` in the results table of `selection`. */
function rowOf(html: string, selection: 'last' | 'best', strategy: string): string {
  const table = html.match(new RegExp(`<table class="results" data-selection="${selection}">.*?</table>`, 's'))![0];
  return table.match(new RegExp(`<tr data-strategy="${strategy}">.*?</tr>`, 's'))![0];
}

function cells(row: string): string[] {
  return [...row.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]!);
}
