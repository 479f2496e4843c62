/**
 * compare.md and compare.csv: the comparison as a FedLoGe-paper-style table, one row per strategy,
 * GM and PM accuracy overall and on head/middle/tail classes, after the last round and at the
 * best round (GM and PM best rounds chosen separately, as the reference's searchBest).
 * Markdown shows percent with 2 decimals; CSV keeps the fractions at full precision.
 */
import type { ShotAccuracy } from '@fedloge/core';
import { percent2 } from '../report/format.js';
import { SHOT_COLUMNS, type ResultRow } from '../report/result-rows.js';

const SHOT_NAMES: Readonly<Record<(typeof SHOT_COLUMNS)[number], string>> = { acc: 'all', head: 'head', middle: 'middle', tail: 'tail' };

export interface ComparisonHeading {
  /** First line, e.g. `fashion-mnist, imbalance factor 0.01, Dirichlet α = 0.5, 20 clients, seed 3407`. */
  readonly title: string;
  readonly pmMasking: boolean;
}

/** compare.md: a heading, the last-round table and the best-round table. */
export function comparisonMarkdown(rows: readonly ResultRow[], heading: ComparisonHeading): string {
  const pm = heading.pmMasking ? 'PM (masked)' : 'PM';
  const shots = (model: string) => SHOT_COLUMNS.map((k) => `${model} ${SHOT_NAMES[k]}`);
  const values = (m: ShotAccuracy) => SHOT_COLUMNS.map((k) => percent2(m[k]));
  const lastTable = markdownTable(
    ['Strategy', 'Round', ...shots('GM'), ...shots(pm)],
    rows.map((r) => [r.strategy, String(r.last.gm.round), ...values(r.last.gm.metrics), ...values(r.last.pm.metrics)]),
  );
  const bestTable = markdownTable(
    ['Strategy', 'GM round', ...shots('GM'), `${pm} round`, ...shots(pm)],
    rows.map((r) => [
      r.strategy,
      String(r.best.gm.round),
      ...values(r.best.gm.metrics),
      String(r.best.pm.round),
      ...values(r.best.pm.metrics),
    ]),
  );
  return [
    `# Strategy comparison: ${heading.title}`,
    '',
    'Accuracy in %. Head/middle/tail: classes sorted by training frequency, split where the cumulative share crosses 75% and 95%.',
    heading.pmMasking ? "PM masks classes absent from a client's local test set." : 'PM does not mask absent classes.',
    '',
    '## Last round',
    '',
    lastTable,
    '',
    '## Best round',
    '',
    'GM and PM best rounds are chosen separately, by overall accuracy.',
    '',
    bestTable,
    '',
  ].join('\n');
}

/** compare.csv header: `strategy`, then `<last|best>_<gm|pm>_<round|all|head|middle|tail>`. */
export const COMPARISON_CSV_COLUMNS: readonly string[] = [
  'strategy',
  ...(['last', 'best'] as const).flatMap((sel) =>
    (['gm', 'pm'] as const).flatMap((model) => [`${sel}_${model}_round`, ...SHOT_COLUMNS.map((k) => `${sel}_${model}_${SHOT_NAMES[k]}`)]),
  ),
];

/** compare.csv: one row per strategy, accuracies as fractions; an empty field where a group has no classes. */
export function comparisonCsv(rows: readonly ResultRow[]): string {
  const lines = rows.map((r) =>
    [
      csvField(r.strategy),
      ...(['last', 'best'] as const).flatMap((sel) =>
        (['gm', 'pm'] as const).flatMap((model) => {
          const { round, metrics } = r[sel][model];
          return [String(round), ...SHOT_COLUMNS.map((k) => (metrics[k] === null ? '' : String(metrics[k])))];
        }),
      ),
    ].join(','),
  );
  return `${[COMPARISON_CSV_COLUMNS.join(','), ...lines].join('\n')}\n`;
}

function markdownTable(header: readonly string[], body: readonly (readonly string[])[]): string {
  const row = (cells: readonly string[]) => `| ${cells.map((c) => c.replace(/\\/g, '\\\\').replace(/\|/g, '\\|')).join(' | ')} |`;
  const rule = `|${header.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`;
  return [row(header), rule, ...body.map(row)].join('\n');
}

/** RFC 4180: quote a field holding a comma, quote or line break, doubling inner quotes. */
function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
