/**
 * compare.md and compare.csv: the comparison as a FedLoGe-paper-style table: for each strategy its
 * headline row and (by default) a row per other variant it reported, with GM and PM accuracy
 * overall and on head/middle/tail classes, after the last round and at the best round (GM and PM
 * best rounds chosen separately, as the reference's searchBest). Every row says whether its PM
 * masks absent classes and how many seeds stand behind it; over several seeds a number is the
 * mean ± sample standard deviation. Markdown shows percent with 2 decimals; CSV keeps fractions.
 */
import { percentWithStd, pmMaskingText, roundsText } from '../report/result-cells.js';
import { SHOT_COLUMNS, type MeasuredAt, type ResultRow } from '../report/result-rows.js';

const SHOT_NAMES: Readonly<Record<(typeof SHOT_COLUMNS)[number], string>> = { acc: 'all', head: 'head', middle: 'middle', tail: 'tail' };

export interface ComparisonHeading {
  /** First line, e.g. `fashion-mnist, imbalance factor 0.01, Dirichlet α = 0.5, 20 clients, seed 3407`. */
  readonly title: string;
  /** Lines printed under the title (e.g. defaults scaled down for speed). */
  readonly notes?: readonly string[];
  /**
   * Per strategy, its runs' warnings (a GM variant that predicted no class of a group for many
   * evaluations, summary.json `warnings`): its rows are marked ⚠ and the lines listed under Warnings.
   */
  readonly warnings?: Readonly<Record<string, readonly string[]>>;
}

/** The mark on a warned strategy's rows. */
export const WARNING_MARK = '⚠';

/** compare.md: a heading, the last-round table and the best-round table. */
export function comparisonMarkdown(rows: readonly ResultRow[], heading: ComparisonHeading): string {
  const shots = (model: string) => SHOT_COLUMNS.map((k) => `${model} ${SHOT_NAMES[k]}`);
  const values = (m: MeasuredAt | undefined) => SHOT_COLUMNS.map((k) => percentWithStd(m, k));
  const warned = heading.warnings ?? {};
  const lead = (r: ResultRow) => [
    (warned[r.strategy]?.length ?? 0) > 0 ? `${r.strategy} ${WARNING_MARK}` : r.strategy,
    r.variant,
    String(r.seeds),
  ];
  const warningLines = Object.entries(warned).flatMap(([strategy, lines]) => lines.map((l) => `- ${WARNING_MARK} **${strategy}**: ${l}`));
  const lastTable = markdownTable(
    ['Strategy', 'Variant', 'Seeds', 'Round', ...shots('GM'), 'PM masking', ...shots('PM')],
    rows.map((r) => [...lead(r), roundsText(r.last.gm ?? r.last.pm), ...values(r.last.gm), pmMaskingText(r), ...values(r.last.pm)]),
  );
  const bestTable = markdownTable(
    ['Strategy', 'Variant', 'Seeds', 'GM round', ...shots('GM'), 'PM masking', 'PM round', ...shots('PM')],
    rows.map((r) => [
      ...lead(r),
      roundsText(r.best.gm),
      ...values(r.best.gm),
      pmMaskingText(r),
      roundsText(r.best.pm),
      ...values(r.best.pm),
    ]),
  );
  const seeds = [...new Set(rows.map((r) => r.seeds))];
  return [
    `# Strategy comparison: ${heading.title}`,
    '',
    'Accuracy in %. Head/middle/tail: classes sorted by training frequency, split where the cumulative share crosses 75% and 95%.',
    "PM masking: whether a client's PM excludes the classes absent from its local test set. Each strategy's headline PM is the one its " +
      'reference code reports (FedLoGe masked, the FedAvg family unmasked) unless eval.pmMasking forces it; the variant rows give both.',
    seeds.length === 1 && seeds[0] === 1
      ? 'Seeds: every number comes from one run (one seed).'
      : 'Seeds: the number of runs behind each row; a number is the mean ± sample standard deviation over them, rounds are listed per seed where they differ.',
    ...(heading.notes ?? []),
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
    ...(warningLines.length > 0
      ? [
          '## Warnings',
          '',
          `${WARNING_MARK}: a run in which a GM variant predicted no test image as any class of a group for many evaluations in a row.`,
          '',
          ...warningLines,
          '',
        ]
      : []),
  ].join('\n');
}

/**
 * compare.csv header: `strategy`, `variant`, `key`, `seeds`, `pm_masking`, then
 * `<last|best>_<gm|pm>_<round|all|head|middle|tail>` and `<…>_<all|head|middle|tail>_std`, then
 * `warnings` (the strategy's run warnings, "; "-joined; empty when none).
 */
export const COMPARISON_CSV_COLUMNS: readonly string[] = [
  'strategy',
  'variant',
  'key',
  'seeds',
  'pm_masking',
  ...(['last', 'best'] as const).flatMap((sel) =>
    (['gm', 'pm'] as const).flatMap((model) => [
      `${sel}_${model}_round`,
      ...SHOT_COLUMNS.map((k) => `${sel}_${model}_${SHOT_NAMES[k]}`),
      ...SHOT_COLUMNS.map((k) => `${sel}_${model}_${SHOT_NAMES[k]}_std`),
    ]),
  ),
  'warnings',
];

/**
 * compare.csv: one line per row, accuracies as fractions; an empty field where there is nothing to
 * measure. `warnings`: per strategy, its runs' warnings, joined by "; " into the last column of its rows.
 */
export function comparisonCsv(rows: readonly ResultRow[], warnings: Readonly<Record<string, readonly string[]>> = {}): string {
  const num = (x: number | null | undefined) => (x === null || x === undefined ? '' : String(x));
  const lines = rows.map((r) =>
    [
      csvField(r.strategy),
      csvField(r.variant),
      csvField(r.key ?? ''),
      String(r.seeds),
      r.pmMasked === undefined ? '' : r.pmMasked ? 'masked' : 'unmasked',
      ...(['last', 'best'] as const).flatMap((sel) =>
        (['gm', 'pm'] as const).flatMap((model) => {
          const m = r[sel][model];
          return [
            m === undefined ? '' : m.rounds.join('/'),
            ...SHOT_COLUMNS.map((k) => num(m?.metrics[k])),
            ...SHOT_COLUMNS.map((k) => num(m?.std?.[k])),
          ];
        }),
      ),
      csvField((warnings[r.strategy] ?? []).join('; ')),
    ].join(','),
  );
  return `${[COMPARISON_CSV_COLUMNS.join(','), ...lines].join('\n')}\n`;
}

function markdownTable(header: readonly string[], body: readonly (readonly string[])[]): string {
  const row = (cells: readonly string[]) => `| ${cells.map((c) => c.replace(/\\/g, '\\\\').replace(/\|/g, '\\|')).join(' | ')} |`;
  const rule = `|${header.map((_, i) => (i < 2 ? ' --- ' : ' ---: ')).join('|')}|`;
  return [row(header), rule, ...body.map(row)].join('\n');
}

/** RFC 4180: quote a field holding a comma, quote or line break, doubling inner quotes. */
function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
