/** The results tables of the HTML report (one per round selection) and the final variants table. */
import { escapeHtml } from './escape.js';
import { percent2 } from './format.js';
import type { ReportRun } from './report-data.js';
import { percentWithStd, pmMaskingText, roundsText } from './result-cells.js';
import { SHOT_COLUMNS, type ResultRow, type RoundSelection } from './result-rows.js';

const SELECTION_TITLES: Readonly<Record<RoundSelection, string>> = {
  last: 'Last round',
  best: 'Best round (GM and PM chosen separately)',
};

/**
 * `<table>` with one row per strategy (and per reported variant, when the rows hold them): GM
 * all/head/middle/tail and PM all/head/middle/tail with rounds, whether the PM is masked and how
 * many seeds stand behind the row (numbers are mean ± std over several).
 */
export function renderResultsTable(rows: readonly ResultRow[], selection: RoundSelection): string {
  const groupHeader =
    `<tr><th rowspan="2" scope="col">Strategy</th><th rowspan="2" scope="col">Variant</th><th rowspan="2" scope="col">Seeds</th>` +
    `<th colspan="5" scope="colgroup">GM</th><th colspan="6" scope="colgroup">PM</th></tr>`;
  const shotHeader = ['round', 'all', 'head', 'middle', 'tail'].map((h) => `<th scope="col">${h}</th>`).join('');
  const body = rows
    .map((row) => {
      const { gm, pm } = row[selection];
      const cells = [gm, pm].flatMap((m, i) => [
        ...(i === 1 ? [`<td class="masking">${pmMaskingText(row)}</td>`] : []),
        `<td class="round">${roundsText(m)}</td>`,
        ...SHOT_COLUMNS.map((k) => `<td>${escapeHtml(percentWithStd(m, k))}</td>`),
      ]);
      return (
        `<tr data-strategy="${escapeHtml(row.strategy)}"${row.key ? ` data-variant="${escapeHtml(row.key)}"` : ''}>` +
        `<th scope="row">${escapeHtml(row.strategy)}</th><td class="variant">${escapeHtml(row.variant)}</td><td class="seeds">${row.seeds}</td>${cells.join('')}</tr>`
      );
    })
    .join('');
  return (
    `<table class="results" data-selection="${selection}"><caption>${SELECTION_TITLES[selection]} · accuracy %</caption>` +
    `<thead>${groupHeader}<tr>${shotHeader}<th scope="col">masking</th>${shotHeader}</tr></thead><tbody>${body}</tbody></table>`
  );
}

/** Every GM/PM variant a run reported after its last round (e.g. FedLoGe's SSE-C and GLA-FR heads). */
export function renderVariantsTable(run: ReportRun): string {
  const last = run.rounds[run.rounds.length - 1];
  const entries = Object.entries(last?.variants ?? {});
  if (last === undefined || entries.length === 0) return '';
  const body = entries
    .map(
      ([name, acc]) =>
        `<tr><th scope="row">${escapeHtml(run.variantLabels?.[name] ?? name)}</th><td class="key">${escapeHtml(name)}</td>${SHOT_COLUMNS.map((k) => `<td>${percent2(acc[k])}</td>`).join('')}</tr>`,
    )
    .join('');
  return (
    `<table class="variants"><caption>All variants after round ${last.round} · accuracy %</caption>` +
    `<thead><tr><th scope="col">variant</th><th scope="col">key</th><th scope="col">all</th><th scope="col">head</th><th scope="col">middle</th><th scope="col">tail</th></tr></thead>` +
    `<tbody>${body}</tbody></table>`
  );
}
