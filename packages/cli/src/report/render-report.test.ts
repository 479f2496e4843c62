import { describe, expect, it } from 'vitest';
import type { ShotAccuracy } from '@fedloge/core';
import type { ReportData, ReportRun } from './report-data.js';
import { renderReport } from './render-report.js';

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

  it('draws one GM line per gm/ variant and one PM line per pm/ variant for a single run', () => {
    const html = renderReport(trainData);
    const lineCharts = html.match(/<svg class="chart line-chart"[^>]*>/g) ?? [];
    expect(lineCharts.map((tag) => tag.match(/data-series-count="(\d+)"/)![1])).toEqual(['1', '2']);
    expect(html).toContain('data-series="pm/local/unmasked"');
    // 2 points per series, 3 series.
    expect(count(html, /<circle class="point"/g)).toBe(6);
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
    const seriesCounts = (html.match(/<svg class="chart line-chart"[^>]*>/g) ?? []).map(
      (tag) => tag.match(/data-series-count="(\d+)"/)![1],
    );
    // Comparison GM and PM (2 strategies each), then GM (1) and PM (2) variants per strategy.
    expect(seriesCounts).toEqual(['2', '2', '1', '2', '1', '2']);
    expect(count(html, /<svg class="chart heat-map"/g)).toBe(1);
    expect(count(html, /<rect class="bar"/g)).toBe(4);
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

/** The `<tr>` of `strategy` in the results table of `selection`. */
function rowOf(html: string, selection: 'last' | 'best', strategy: string): string {
  const table = html.match(new RegExp(`<table class="results" data-selection="${selection}">.*?</table>`, 's'))![0];
  return table.match(new RegExp(`<tr data-strategy="${strategy}">.*?</tr>`, 's'))![0];
}

function cells(row: string): string[] {
  return [...row.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]!);
}
