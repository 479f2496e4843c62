/**
 * report.html: one self-contained page per run folder. Everything is drawn here, at render time,
 * as inline SVG with an inline stylesheet: no script, font or network request, so the file opens
 * offline and stays readable years later. The sections follow how a result is read: the results
 * tables first, then learning curves (GM and PM per round, every variant a strategy reports, the
 * training loss, head/middle/tail accuracy; in a comparison one line per strategy, a mean ± std
 * band where it ran over several seeds), per-class GM accuracy after the last round, per-client PM
 * after the last round, and the client × class partition it was trained on.
 */
import type { ShotAccuracy } from '@fedloge/core';
import { escapeHtml } from './escape.js';
import { groupedInteger } from './format.js';
import type { ReportData, ReportRun } from './report-data.js';
import { resultRows, SHOT_COLUMNS } from './result-rows.js';
import { seriesByStrategy, type RunCurve } from './seed-series.js';
import { renderResultsTable, renderVariantsTable } from './results-table.js';
import { REPORT_CSS } from './styles.js';
import { renderBarChart } from './svg/bar-chart.js';
import { renderHeatMap } from './svg/heat-map.js';
import { renderLineChart, type LineSeries } from './svg/line-chart.js';
import { niceUpper } from './svg/scale.js';

/**
 * The whole report.html for `data`. Pure: the same data gives the same bytes (leave out
 * `generatedAt` for byte-stable output). Throws when a run has no evaluated round.
 */
export function renderReport(data: ReportData): string {
  const pmLabel = 'Headline PM';
  const rows = resultRows(data.runs, { variants: data.variants ?? false, ...(data.chosenVariants ? { chosen: data.chosenVariants } : {}) });
  const seeds = Math.max(...rows.map((r) => r.seeds));
  const compare = data.runs.length > 1;
  const sections = [
    `<header><h1>${escapeHtml(data.title)}</h1>${renderSettings(data.settings)}</header>`,
    section(
      'results',
      compare ? 'Comparison' : 'Results',
      renderResultsTable(rows, 'last') +
        renderResultsTable(rows, 'best') +
        `<p class="note">Head/middle/tail: classes sorted by training frequency, split where the cumulative share crosses 75% and 95% (FedLoGe reference). ` +
        "PM masking: whether a client's PM excludes the classes absent from its local test set; each strategy's headline PM is the one its reference code reports (FedLoGe masked, the FedAvg family unmasked) unless eval.pmMasking forces it. " +
        `${seeds > 1 ? 'Seeds: runs behind each row; numbers are mean ± sample standard deviation.' : 'Seeds: every number comes from one run.'}</p>`,
    ),
    compare ? section('comparison-curves', 'Learning curves by strategy', renderComparisonCurves(data.runs, pmLabel, seeds)) : '',
    section('per-class', 'Per-class GM accuracy after the last round', renderPerClass(data)),
    ...data.runs.map((run, i) =>
      section(
        `run-${i + 1}-${slug(runTitle(run))}`,
        compare ? `${runTitle(run)}: learning curves` : 'Learning curves',
        `<div class="charts">${renderVariantCurves(run, 'gm')}${renderVariantCurves(run, 'pm')}${renderRunLoss(run)}</div>` +
          `<h3>Head, middle and tail accuracy per round</h3>${renderVariantShotCurves(run, 'gm')}${renderVariantShotCurves(run, 'pm')}` +
          renderClientPm(run) +
          renderVariantsTable(run),
      ),
    ),
    section('partition', 'Client label distribution', renderPartition(data)),
  ];
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // An empty data: icon keeps browsers from requesting /favicon.ico next to a local file.
    '<link rel="icon" href="data:,">',
    `<title>${escapeHtml(data.title)}</title>`,
    `<style>${REPORT_CSS}</style>`,
    '</head><body>',
    ...sections,
    `<footer>FedLoGe.ts report${data.generatedAt ? ` · generated ${escapeHtml(data.generatedAt)}` : ''}</footer>`,
    '</body></html>',
    '',
  ].join('\n');
}

/** The run's name, with its seed when the report holds several seeds of a strategy. */
function runTitle(run: ReportRun): string {
  return run.seed === undefined ? run.name : `${run.name} (seed ${run.seed})`;
}

function section(id: string, heading: string, body: string): string {
  return `<section id="${escapeHtml(id)}"><h2>${escapeHtml(heading)}</h2>${body}</section>`;
}

function renderSettings(settings: ReportData['settings']): string {
  if (settings.length === 0) return '';
  return `<dl class="settings">${settings.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>`;
}

/** The shot groups the head/middle/tail charts show (core's ShotAccuracy keys without `acc`). */
const GROUPS = SHOT_COLUMNS.filter((k): k is Exclude<keyof ShotAccuracy, 'acc'> => k !== 'acc');

/**
 * Headline GM and PM per round, the training loss, and the headline GM and PM of each
 * head/middle/tail group: one line per strategy, the mean with a ± std band over its seeds.
 */
function renderComparisonCurves(runs: readonly ReportRun[], pmLabel: string, seeds: number): string {
  const accuracy =
    (model: 'gm' | 'pm', key: keyof ShotAccuracy): RunCurve =>
    (run) =>
      run.rounds.map((p) => ({ x: p.round, y: asPercent(p[model][key]) }));
  const losses = seriesByStrategy(runs, lossCurve);
  const shotRow = (model: 'gm' | 'pm', label: string) =>
    '<div class="charts">' +
    GROUPS.map((g) =>
      renderLineChart({
        title: `${label}: ${g} accuracy per round`,
        xLabel: 'round',
        yLabel: `${g} accuracy (%)`,
        series: seriesByStrategy(runs, accuracy(model, g)),
        size: 'small',
      }),
    ).join('') +
    '</div>';
  return (
    (seeds > 1
      ? '<p class="note">A strategy that ran over several seeds is drawn as the mean over its seeds per round, with a band of ± one sample standard deviation.</p>'
      : '') +
    '<div class="charts">' +
    renderLineChart({
      title: 'GM accuracy per round',
      xLabel: 'round',
      yLabel: 'GM accuracy (%)',
      series: seriesByStrategy(runs, accuracy('gm', 'acc')),
    }) +
    renderLineChart({
      title: `${pmLabel} accuracy per round`,
      xLabel: 'round',
      yLabel: `${pmLabel} accuracy (%)`,
      series: seriesByStrategy(runs, accuracy('pm', 'acc')),
    }) +
    (losses.some((s) => s.points.some((p) => p.y !== null)) ? renderLossChart('Training loss per round', losses) : '') +
    '</div>' +
    shotRow('gm', 'GM') +
    shotRow('pm', pmLabel)
  );
}

/** The mean training loss of each round's clients. */
const lossCurve: RunCurve = (run) => (run.losses ?? []).map((p) => ({ x: p.round, y: p.loss }));

/** A loss over rounds on an axis from 0 to a nice value above the largest loss (or band top). */
function renderLossChart(title: string, series: readonly LineSeries[]): string {
  const top = Math.max(0, ...series.flatMap((s) => s.points.map((p) => (p.y ?? 0) + (p.spread ?? 0))));
  return renderLineChart({
    title,
    xLabel: 'round',
    yLabel: 'training loss',
    series,
    yDomain: [0, niceUpper(top)],
    valueText: (v) => v.toFixed(4),
  });
}

/** The run's training loss, when its clients reported one. */
function renderRunLoss(run: ReportRun): string {
  const points = lossCurve(run);
  if (!points.some((p) => p.y !== null)) return '';
  return renderLossChart(`${run.name}: training loss per round (mean over the round's clients)`, [{ name: 'training loss', points }]);
}

/** The GM (or PM) variants a run reported, in first-seen order; empty when it has none. */
function variantKeys(run: ReportRun, model: 'gm' | 'pm'): string[] {
  const names: string[] = [];
  for (const p of run.rounds) for (const k of Object.keys(p.variants)) if (k.startsWith(`${model}/`) && !names.includes(k)) names.push(k);
  return names;
}

/**
 * Three small charts (head, middle, tail) of the run's GM (or PM) variants, one line per variant
 * in the colours of the all-classes chart above; the headline alone when there are no variants.
 */
function renderVariantShotCurves(run: ReportRun, model: 'gm' | 'pm'): string {
  const keys = variantKeys(run, model);
  const label = model.toUpperCase();
  const series = (g: keyof ShotAccuracy): LineSeries[] =>
    keys.length > 0
      ? keys.map((k) => ({
          name: run.variantLabels?.[k] ?? k,
          points: run.rounds.map((p) => ({ x: p.round, y: asPercent(p.variants[k]?.[g]) })),
        }))
      : [{ name: label, points: run.rounds.map((p) => ({ x: p.round, y: asPercent(p[model][g]) })) }];
  return (
    '<div class="charts">' +
    GROUPS.map((g) =>
      renderLineChart({
        title: `${run.name}: ${label} ${g} accuracy`,
        xLabel: 'round',
        yLabel: `${label} ${g} accuracy (%)`,
        series: series(g),
        size: 'small',
      }),
    ).join('') +
    '</div>'
  );
}

/**
 * Every client's headline PM after the last round, sorted from best to worst, each labelled with
 * its training images and the classes it holds; the dashed line is the mean over clients with
 * local test data, which is the headline PM itself.
 */
function renderClientPm(run: ReportRun): string {
  const clients = run.clients;
  if (!clients || clients.length === 0) return '';
  const last = run.rounds[run.rounds.length - 1];
  const numClasses = run.perClassGm.length;
  const sorted = [...clients].sort((a, b) => (b.pm ?? -1) - (a.pm ?? -1) || a.client - b.client);
  const scored = clients.filter((c): c is typeof c & { pm: number } => c.pm !== null);
  const mean = scored.length > 0 ? (100 * scored.reduce((a, c) => a + c.pm, 0)) / scored.length : null;
  const masking = run.pmMasked === false ? 'unmasked' : 'masked';
  return (
    `<h3>Personal model per client</h3>` +
    `<p class="note">Headline PM (${masking}) of each client after round ${last?.round ?? '?'}, best first; the label gives the client's training images and the classes it holds of ${numClasses}. ` +
    `Clients without local test data have no bar.</p>` +
    renderBarChart({
      title: `${runTitle(run)}: PM accuracy per client after the last round`,
      yLabel: 'PM accuracy (%)',
      categories: sorted.map((c) => `client ${c.client}`),
      notes: sorted.map((c) => `${groupedInteger(c.trainImages)} img · ${c.classes}/${numClasses} classes`),
      series: [{ name: runTitle(run), values: sorted.map((c) => asPercent(c.pm)) }],
      ...(mean !== null ? { reference: { value: mean, label: `mean ${mean.toFixed(2)}%` } } : {}),
    })
  );
}

/**
 * One line per GM (or PM) variant the run reported, e.g. `gm/sse-c` and `gm/gla-fr` for FedLoGe,
 * or `pm/personal` and `pm/personal/unmasked`; the headline alone when a run has no variants.
 */
function renderVariantCurves(run: ReportRun, model: 'gm' | 'pm'): string {
  const names = variantKeys(run, model);
  const series: LineSeries[] =
    names.length > 0
      ? names.map((k) => ({
          name: run.variantLabels?.[k] ?? k,
          points: run.rounds.map((p) => ({ x: p.round, y: asPercent(p.variants[k]?.acc) })),
        }))
      : [{ name: model.toUpperCase(), points: run.rounds.map((p) => ({ x: p.round, y: asPercent(p[model].acc) })) }];
  const label = model.toUpperCase();
  return renderLineChart({ title: `${run.name}: ${label} accuracy per round`, xLabel: 'round', yLabel: `${label} accuracy (%)`, series });
}

/** Grouped bars: classes in index order, one bar per strategy. */
function renderPerClass(data: ReportData): string {
  const classes = data.runs[0]?.perClassGm ?? [];
  const categories = classes.map((c) => c.name ?? data.partition.classNames?.[c.class] ?? String(c.class));
  const notes = classes.map((c) => (c.trainImages === null ? '' : `n=${c.trainImages}`));
  return renderBarChart({
    title: 'GM accuracy per class (n = training images of the class)',
    yLabel: 'accuracy (%)',
    categories,
    notes,
    series: data.runs.map((run) => ({
      name: runTitle(run),
      values: classes.map((c) => asPercent(run.perClassGm.find((x) => x.class === c.class)?.acc)),
    })),
  });
}

function renderPartition(data: ReportData): string {
  const counts = data.partition.clientClassCounts;
  const numClasses = counts[0]?.length ?? 0;
  const total = counts.flat().reduce((a, b) => a + b, 0);
  return (
    `<p class="note">${counts.length} clients × ${numClasses} classes, ${groupedInteger(total)} training images; ` +
    'cell = training images of the class on the client, row total on the right.</p>' +
    renderHeatMap({
      title: 'Training images per client and class',
      counts,
      rowLabels: counts.map((_, k) => `client ${k}`),
      columnLabels: Array.from({ length: numClasses }, (_, c) => data.partition.classNames?.[c] ?? String(c)),
    })
  );
}

function asPercent(x: number | null | undefined): number | null {
  return x === null || x === undefined || !Number.isFinite(x) ? null : 100 * x;
}

/** An id-safe fragment of a strategy name; the run's position keeps ids unique. */
function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'run'
  );
}
