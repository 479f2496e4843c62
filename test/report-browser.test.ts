/**
 * report.html in a real browser: a small real comparison (two strategies trained by the real
 * simulation on a pattern federation, once on one seed and once over two) writes its reports, and
 * headless Chromium opens them from disk. Checks what only a browser can: the page parses and lays
 * out without console errors or network requests, every SVG chart has a size, no chart label's box
 * leaves its SVG (the text as the browser set it, not the writer's width estimate), each line chart
 * draws the expected lines (loss, head/middle/tail, seed bands), the per-client PM bars hold the
 * run's numbers, and the results tables hold the run's numbers.
 *
 * With FEDLOGE_REPORT_SCREENSHOTS=<folder>, full-page screenshots of every report opened are saved
 * there (for looking at the layout during development; the checks do not depend on them).
 *
 * Needs Debian's Chromium (`apt-get install -y chromium`); skipped, with the reason, without it.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { classHistogram, silentLogger, type RunResult, type ShotAccuracy } from '@fedloge/core';
import { REPORT_FILE, RunConfigSchema, compareRun, percent2, writeReport, type CompareOutcome, type RunData } from '@fedloge/cli';
import { CIFAR100_CLASS_NAMES } from '@fedloge/datasets';
import { createPatternFederation } from './fixtures/pattern-federation.js';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const FIXTURES = resolve(import.meta.dirname, 'fixtures');
const STRATEGIES = ['fedavg', 'personal-head-avg'];
const CLIENTS = 5;
const CLASSES = 4;

/** Two strategies, three evaluated rounds each, on a 5-client × 4-class federation (per seed when `seeds` is given). */
async function smallComparison(out: string, seeds?: readonly number[]): Promise<CompareOutcome> {
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
  return compareRun(
    { config, configFile: undefined },
    STRATEGIES,
    {
      cwd: out,
      stdout: sink,
      stderr: sink,
      logger: silentLogger(),
      runData,
    },
    seeds ? { seeds } : {},
  );
}

const SCREENSHOTS = process.env['FEDLOGE_REPORT_SCREENSHOTS'];
let screenshots = 0;

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
  if (SCREENSHOTS) {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({
      path: join(SCREENSHOTS, `${String(++screenshots).padStart(2, '0')}-${basename(dirname(file))}.png`),
      fullPage: true,
    });
  }
  return { page, problems };
}

/**
 * Per `svg.chart`: its kind and accessible name, rendered size, drawn lines (`path.series`) and
 * bands (`path.band`) with their geometry, bars with their tooltips, heat-map cells, and every
 * `<text>` whose box (after rotation) reaches outside the SVG's box by more than half a pixel.
 */
async function charts(page: Page) {
  return page.$$eval('svg.chart', (svgs) =>
    svgs.map((svg) => {
      const box = svg.getBoundingClientRect();
      // getBBox: the geometry of the path itself (SVGGraphicsElement; not in this project's lib typings).
      const bbox = (e: unknown) => (e as { getBBox(): { width: number; height: number } }).getBBox();
      const lines = [...svg.querySelectorAll('path.series')].map((p) => ({
        name: p.getAttribute('data-series'),
        width: bbox(p).width,
        height: bbox(p).height,
      }));
      const bands = [...svg.querySelectorAll('path.band')].map((p) => ({
        name: p.getAttribute('data-series'),
        width: bbox(p).width,
        height: bbox(p).height,
      }));
      const clipped = [...svg.querySelectorAll('text')]
        .map((t) => ({ text: t.textContent, r: t.getBoundingClientRect() }))
        .filter(({ r }) => r.left < box.left - 0.5 || r.top < box.top - 0.5 || r.right > box.right + 0.5 || r.bottom > box.bottom + 0.5)
        .map(({ text }) => text);
      return {
        kind: svg.classList[1],
        title: svg.getAttribute('aria-label'),
        width: box.width,
        height: box.height,
        lines,
        bands,
        bars: svg.querySelectorAll('rect.bar').length,
        barTitles: [...svg.querySelectorAll('rect.bar > title')].map((t) => t.textContent),
        cells: svg.querySelectorAll('rect.cell').length,
        texts: svg.querySelectorAll('text').length,
        clipped,
      };
    }),
  );
}

type Chart = Awaited<ReturnType<typeof charts>>[number];

/** Every chart has a size, labels, and no label outside its SVG. */
function expectLaidOut(found: readonly Chart[]): void {
  for (const chart of found) {
    expect(chart.width, `${chart.title} width`).toBeGreaterThan(0);
    expect(chart.height, `${chart.title} height`).toBeGreaterThan(0);
    expect(chart.texts, `${chart.title} labels`).toBeGreaterThan(0);
    expect(chart.clipped, `${chart.title}: labels outside the SVG`).toEqual([]);
  }
}

const GROUPS = ['head', 'middle', 'tail'] as const;

/** Line charts as `[title, line names]`, in page order. */
const linesByTitle = (found: readonly Chart[]) =>
  found.filter((c) => c.kind === 'line-chart').map((c) => [c.title, c.lines.map((l) => l.name)]);

/**
 * The line charts of one strategy's section: GM and PM variants, the training loss, then the
 * head/middle/tail charts of the GM and of the PM variants (named as summary.json's variantLabels).
 */
function runSectionLines(strategy: string, outcome: CompareOutcome['runs'][number]['outcome']) {
  const { result } = outcome;
  const label = (k: string) => outcome.summary.final.variantLabels[k]!;
  // A variant with no value for the group in any round (no tail class on a small federation) draws no line.
  const drawn = (model: 'gm' | 'pm', g: keyof ShotAccuracy) =>
    variantsOf(result, model)
      .filter((k) => result.rounds.some((r) => typeof r.variants?.[k]?.[g] === 'number'))
      .map(label);
  return [
    [`${strategy}: GM accuracy per round`, drawn('gm', 'acc')],
    [`${strategy}: PM accuracy per round`, drawn('pm', 'acc')],
    [`${strategy}: training loss per round (mean over the round's clients)`, ['training loss']],
    ...GROUPS.map((g) => [`${strategy}: GM ${g} accuracy`, drawn('gm', g)]),
    ...GROUPS.map((g) => [`${strategy}: PM ${g} accuracy`, drawn('pm', g)]),
  ];
}

/** The strategies whose headline GM (or PM) has a value for group `g` in some round (a group without any draws no line). */
function strategiesWith(runs: CompareOutcome['runs'], model: 'gm' | 'pm', g: keyof ShotAccuracy): string[] {
  return [...new Set(runs.filter((r) => r.outcome.result.rounds.some((x) => typeof x[model]?.[g] === 'number')).map((r) => r.strategy))];
}

/** The comparison's line charts: GM, PM and loss, then GM and PM per group, one line per strategy. */
function comparisonLines(runs: CompareOutcome['runs']) {
  return [
    ['GM accuracy per round', strategiesWith(runs, 'gm', 'acc')],
    ['Headline PM accuracy per round', strategiesWith(runs, 'pm', 'acc')],
    ['Training loss per round', STRATEGIES],
    ...GROUPS.map((g) => [`GM: ${g} accuracy per round`, strategiesWith(runs, 'gm', g)]),
    ...GROUPS.map((g) => [`Headline PM: ${g} accuracy per round`, strategiesWith(runs, 'pm', g)]),
  ];
}

/** The per-client PM chart's bar tooltips hold the run's own per-client PM, best first. */
function expectClientBars(chart: Chart | undefined, result: RunResult): void {
  expect(chart, 'per-client PM chart').toBeDefined();
  const scored = result.pmPerClient.filter((a): a is number => a !== null).sort((a, b) => b - a);
  expect(chart!.bars).toBe(scored.length);
  expect(chart!.barTitles.map((t) => t!.slice(t!.lastIndexOf(': ') + 2))).toEqual(scored.map((a) => `${(100 * a).toFixed(2)}%`));
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
    expectLaidOut(found);
    // Three evaluated rounds: every line spans some distance.
    for (const chart of found) for (const line of chart.lines) expect(line.width, `${chart.title}: ${line.name} width`).toBeGreaterThan(0);
    const results = comparison.runs.map((r) => r.outcome.result);
    // Comparison GM, PM and loss, then GM and PM per group (one line per strategy, no band: one seed),
    // then each strategy's section.
    expect(linesByTitle(found)).toEqual([
      ...comparisonLines(comparison.runs),
      ...comparison.runs.flatMap(({ strategy, outcome }) => runSectionLines(strategy, outcome)),
    ]);
    expect(found.flatMap((c) => c.bands)).toEqual([]);
    // Per-class bars (one per strategy and class with a test accuracy), a per-client PM chart per strategy, the heat map once.
    const bars = found.filter((c) => c.kind === 'bar-chart');
    expect(bars.map((c) => c.title)).toEqual([
      'GM accuracy per class (n = training images of the class)',
      ...STRATEGIES.map((s) => `${s}: PM accuracy per client after the last round`),
    ]);
    expect(bars[0]!.bars).toBe(results.reduce((n, r) => n + r.perClassAccuracy.filter((a) => a !== null).length, 0));
    results.forEach((r, i) => expectClientBars(bars[i + 1], r));
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
      expectLaidOut(found);
      // Per-class bars, the curves (variants, loss, head/middle/tail of GM and PM), per-client PM, the partition.
      expect(found.map((c) => c.kind)).toEqual(['bar-chart', ...Array<string>(9).fill('line-chart'), 'bar-chart', 'heat-map']);
      expect(linesByTitle(found)).toEqual(runSectionLines(strategy, outcome));
      expectClientBars(found[10], outcome.result);
      expect(await page.locator('table.results[data-selection="last"] tbody tr:not([data-variant])').count()).toBe(1);
      await page.close();
    }
  });

  it('draws each strategy over two seeds as its mean line with a ± std band, and every seed on its own', async () => {
    const seeds = [4, 5];
    const seeded = await smallComparison(mkdtempSync(join(tmpdir(), 'fedloge-report-browser-seeds-')), seeds);
    const { page, problems } = await openReport(context, join(seeded.outDir, REPORT_FILE));
    expect(problems).toEqual({ errors: [], requests: [] });
    const found = await charts(page);
    expectLaidOut(found);
    const comparisonCharts = found.filter(
      (c) => (c.kind === 'line-chart' && !c.title!.includes(': ')) || /^(GM|Headline PM): /.test(c.title!),
    );
    // One mean line and one band per strategy (with data for the chart's group).
    const expected = comparisonLines(seeded.runs);
    expect(comparisonCharts.map((c) => [c.title, c.lines.map((l) => l.name)])).toEqual(expected);
    expect(comparisonCharts.map((c) => [c.title, c.bands.map((b) => b.name)])).toEqual(expected);
    for (const chart of comparisonCharts) {
      for (const band of chart.bands) expect(band.width, `${chart.title}: ${band.name} band`).toBeGreaterThan(0);
    }
    // The seeds trained differently: the GM band has a height somewhere.
    const gm = comparisonCharts.find((c) => c.title === 'GM accuracy per round')!;
    expect(Math.max(...gm.bands.map((b) => b.height))).toBeGreaterThan(0);
    // The band's tooltip numbers are the mean and sample std of the seeds' own final GM.
    const last = seeded.runs.filter((r) => r.strategy === STRATEGIES[0]).map((r) => 100 * r.outcome.result.final.gm.acc!);
    const mean = (last[0]! + last[1]!) / 2;
    const std = Math.abs(last[0]! - last[1]!) / Math.SQRT2;
    const finalRound = seeded.runs[0]!.outcome.result.final.round;
    const tooltip = await page
      .locator('svg.chart[aria-label="GM accuracy per round"] circle.point > title')
      .filter({ hasText: `${STRATEGIES[0]}, round ${finalRound}:` })
      .textContent();
    expect(tooltip).toBe(`${STRATEGIES[0]}, round ${finalRound}: ${mean.toFixed(2)}% ± ${std.toFixed(2)}`);
    // Every seed keeps its own section (curves and per-client PM).
    const clientCharts = found.filter((c) => c.title!.endsWith('PM accuracy per client after the last round')).map((c) => c.title);
    expect(clientCharts).toEqual(
      STRATEGIES.flatMap((s) => seeds.map((seed) => `${s} (seed ${seed}): PM accuracy per client after the last round`)),
    );
    await page.close();
  });

  it('keeps every label inside its chart for 100 long class names and 60 clients', async () => {
    // Layout only: the renderer's plain input with CIFAR-100's names (the longest the built-in data sets have),
    // many classes and clients, and counts spread over five orders of magnitude.
    const classes = CIFAR100_CLASS_NAMES.length;
    const clients = 60;
    const counts = Array.from({ length: clients }, (_, k) =>
      Array.from({ length: classes }, (_, c) => ((k * 37 + c * 11) % 7 === 0 ? 0 : ((k + 1) * (c + 3) * 97) % 12_000)),
    );
    const acc = (i: number) => ((i * 53) % 100) / 100;
    const shot = (i: number) => ({ acc: acc(i), head: acc(i + 1), middle: acc(i + 2), tail: acc(i + 3) });
    const run = (name: string, seed: number) => ({
      name,
      seed,
      rounds: [1, 2, 3].map((round) => ({
        round,
        gm: shot(round + seed),
        pm: shot(round * 2 + seed),
        variants: { 'gm/global': shot(round + seed), 'pm/local': shot(round * 2 + seed) },
      })),
      best: { gm: { round: 3, metrics: shot(3 + seed) }, pm: { round: 3, metrics: shot(6 + seed) } },
      perClassGm: CIFAR100_CLASS_NAMES.map((n, c) => ({
        class: c,
        name: n,
        trainImages: counts.reduce((a, row) => a + row[c]!, 0),
        acc: acc(c + seed),
      })),
      losses: [1, 2, 3].map((round) => ({ round, loss: 4.6 / (round + seed) })),
      clients: counts.map((row, k) => ({
        client: k,
        pm: k % 9 === 0 ? null : acc(k + seed),
        trainImages: row.reduce((a, b) => a + b, 0),
        classes: row.filter((n) => n > 0).length,
      })),
    });
    const file = writeReport(mkdtempSync(join(tmpdir(), 'fedloge-report-browser-labels-')), {
      title: 'labels',
      settings: [],
      runs: [run('fedloge', 1), run('fedloge', 2), run('a-strategy-with-a-long-name', 1)],
      partition: { clientClassCounts: counts, classNames: [...CIFAR100_CLASS_NAMES] },
    });
    const { page, problems } = await openReport(context, file);
    expect(problems).toEqual({ errors: [], requests: [] });
    const found = await charts(page);
    expectLaidOut(found);
    expect(found.find((c) => c.kind === 'heat-map')!.cells).toBe(clients * classes);
    await page.close();
  });
});
