/**
 * report.html in a real browser: a small real comparison (two strategies trained by the real
 * simulation on a pattern federation) writes its reports, and headless Chromium opens them from
 * disk. Checks what only a browser can: the page parses and lays out without console errors or
 * network requests, every SVG chart has a size, each line chart draws the expected lines, and the
 * results tables hold the run's numbers.
 *
 * Needs Debian's Chromium (`apt-get install -y chromium`); skipped, with the reason, without it.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { classHistogram, silentLogger, type RunResult } from '@fedloge/core';
import { REPORT_FILE, RunConfigSchema, compareRun, percent2, type CompareOutcome, type RunData } from '@fedloge/cli';
import { createPatternFederation } from './fixtures/pattern-federation.js';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const FIXTURES = resolve(import.meta.dirname, 'fixtures');
const STRATEGIES = ['fedavg', 'personal-head-avg'];
const CLIENTS = 5;
const CLASSES = 4;

/** Two strategies, three evaluated rounds each, on a 5-client × 4-class federation. */
async function smallComparison(out: string): Promise<CompareOutcome> {
  const { dataset, partition } = createPatternFederation({
    numClasses: CLASSES,
    trainPerClass: 60,
    testPerClass: 20,
    numClients: CLIENTS,
    seed: 21,
  });
  const ltCounts = classHistogram(dataset.train.labels, partition.trainIndices.flat(), dataset.numClasses);
  const runData: RunData = { dataset, data: { dataset, partition, ltCounts } };
  const config = RunConfigSchema.parse({
    plugins: [join(FIXTURES, 'my-strategy.ts'), join(FIXTURES, 'mlp-backbone.ts')],
    model: { name: 'tiny-mlp', options: { featureDim: 8 } },
    clients: { total: CLIENTS, perRound: 3 },
    rounds: 3,
    train: { batchSize: 16, lr: 0.1 },
    backend: 'cpu',
    workers: 0,
    seed: 4,
    out,
  });
  const sink = new Writable({ write: (_c, _e, done) => done() });
  return compareRun({ config, configFile: undefined }, STRATEGIES, {
    cwd: out,
    stdout: sink,
    stderr: sink,
    logger: silentLogger(),
    runData,
  });
}

/** What the page did wrong while loading: console errors, uncaught exceptions, any request but the file. */
interface PageProblems {
  readonly errors: string[];
  readonly requests: string[];
}

async function openReport(context: BrowserContext, file: string): Promise<{ page: Page; problems: PageProblems }> {
  const page = await context.newPage();
  const problems: PageProblems = { errors: [], requests: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') problems.errors.push(m.text());
  });
  page.on('pageerror', (e) => problems.errors.push(e.message));
  const url = pathToFileURL(file).href;
  page.on('request', (r) => {
    if (r.url() !== url) problems.requests.push(r.url());
  });
  await page.goto(url, { waitUntil: 'load' });
  return { page, problems };
}

/** Per `svg.chart`: its kind, rendered size and number of drawn lines (`path.series`). */
async function charts(page: Page) {
  return page.$$eval('svg.chart', (svgs) =>
    svgs.map((svg) => {
      const box = svg.getBoundingClientRect();
      const lines = [...svg.querySelectorAll('path.series')].map((p) => {
        // getBBox: the geometry of the path itself (SVGGraphicsElement; not in this project's lib typings).
        const b = (p as unknown as { getBBox(): { width: number; height: number } }).getBBox();
        return { name: p.getAttribute('data-series'), width: b.width, height: b.height };
      });
      return {
        kind: svg.classList[1],
        width: box.width,
        height: box.height,
        lines,
        bars: svg.querySelectorAll('rect.bar').length,
        cells: svg.querySelectorAll('rect.cell').length,
      };
    }),
  );
}

/** Variant names of one model (`gm/…` or `pm/…`) a run reported. */
const variantsOf = (result: RunResult, model: 'gm' | 'pm') => Object.keys(result.final.variants).filter((k) => k.startsWith(`${model}/`));

// The reason shows in the test list when the browser is missing, instead of a silent pass.
const suiteName = haveChromium
  ? 'report.html in headless Chromium'
  : `report.html in headless Chromium (skipped: ${CHROMIUM} not found; apt-get install -y chromium)`;

describe.skipIf(!haveChromium)(suiteName, () => {
  let context: BrowserContext;
  let comparison: CompareOutcome;

  beforeAll(async () => {
    comparison = await smallComparison(mkdtempSync(join(tmpdir(), 'fedloge-report-browser-')));
    context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'fedloge-chromium-profile-')), {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });

  afterAll(async () => {
    await context?.close();
  });

  it('renders the comparison report without errors or requests, with every chart, line and row', async () => {
    const { page, problems } = await openReport(context, join(comparison.outDir, REPORT_FILE));
    expect(problems).toEqual({ errors: [], requests: [] });

    const found = await charts(page);
    for (const chart of found) {
      expect(chart.width, `${chart.kind} width`).toBeGreaterThan(0);
      expect(chart.height, `${chart.kind} height`).toBeGreaterThan(0);
      // Three evaluated rounds: every line spans some distance.
      for (const line of chart.lines) expect(line.width, `${line.name} width`).toBeGreaterThan(0);
    }
    const results = comparison.runs.map((r) => r.outcome.result);
    // Comparison GM and PM (one line per strategy), then each strategy's GM and PM variants.
    const expectedLines = [
      STRATEGIES,
      STRATEGIES,
      // Variant lines are named as summary.json's final.variantLabels (the final table's row names).
      ...comparison.runs.flatMap(({ outcome }) => {
        const label = (k: string) => outcome.summary.final.variantLabels[k]!;
        return [variantsOf(outcome.result, 'gm').map(label), variantsOf(outcome.result, 'pm').map(label)];
      }),
    ];
    expect(found.filter((c) => c.kind === 'line-chart').map((c) => c.lines.map((l) => l.name))).toEqual(expectedLines);
    // One bar per strategy and class with a test accuracy; the partition heat map once.
    const bars = found.filter((c) => c.kind === 'bar-chart');
    expect(bars).toHaveLength(1);
    expect(bars[0]!.bars).toBe(results.reduce((n, r) => n + r.perClassAccuracy.filter((a) => a !== null).length, 0));
    expect(found.filter((c) => c.kind === 'heat-map').map((c) => c.cells)).toEqual([CLIENTS * CLASSES]);

    // Results tables: one headline row per strategy (variant rows carry data-variant), with the run's own numbers.
    // Cells after the strategy: variant, seeds, GM round/all/head/middle/tail, PM masking, PM round/all/head/middle/tail.
    for (const selection of ['last', 'best'] as const) {
      const rows = await page.$$eval(`table.results[data-selection="${selection}"] tbody tr:not([data-variant])`, (trs) =>
        trs.map((tr) => [tr.querySelector('th')!.textContent, ...[...tr.querySelectorAll('td')].map((td) => td.textContent)]),
      );
      expect(rows.map((r) => r[0])).toEqual(STRATEGIES);
      rows.forEach((row, i) => {
        const r = results[i]!;
        const gm = selection === 'last' ? { round: r.final.round, metrics: r.final.gm } : r.best.gm;
        const pm = selection === 'last' ? { round: r.final.round, metrics: r.final.pm } : r.best.pm;
        expect(row[2]).toBe('1');
        expect([...row.slice(3, 8), ...row.slice(9)]).toEqual([
          String(gm.round),
          percent2(gm.metrics.acc),
          percent2(gm.metrics.head),
          percent2(gm.metrics.middle),
          percent2(gm.metrics.tail),
          String(pm.round),
          percent2(pm.metrics.acc),
          percent2(pm.metrics.head),
          percent2(pm.metrics.middle),
          percent2(pm.metrics.tail),
        ]);
        expect(row[8]).toBe(r.pmMasked ? 'masked' : 'unmasked');
      });
    }
    await page.close();
  });

  it('renders each strategy folder report on its own', async () => {
    for (const { strategy, outcome } of comparison.runs) {
      const file = join(outcome.outDir, REPORT_FILE);
      expect(readFileSync(file, 'utf8')).toContain(`<h1>${strategy} on `);
      const { page, problems } = await openReport(context, file);
      expect(problems).toEqual({ errors: [], requests: [] });
      const found = await charts(page);
      expect(found.map((c) => c.kind)).toEqual(['bar-chart', 'line-chart', 'line-chart', 'heat-map']);
      expect(found.every((c) => c.width > 0 && c.height > 0)).toBe(true);
      expect(await page.locator('table.results[data-selection="last"] tbody tr:not([data-variant])').count()).toBe(1);
      await page.close();
    }
  });
});
