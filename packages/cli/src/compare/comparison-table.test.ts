import { describe, expect, it } from 'vitest';
import type { ShotAccuracy } from '@fedloge/core';
import type { ResultRow } from '../report/result-rows.js';
import { COMPARISON_CSV_COLUMNS, comparisonCsv, comparisonMarkdown } from './comparison-table.js';

const shot = (acc: number, head: number, middle: number, tail: number | null): ShotAccuracy => ({ acc, head, middle, tail });

const rows: ResultRow[] = [
  {
    strategy: 'fedavg',
    last: { gm: { round: 10, metrics: shot(0.71234, 0.9, 0.6, 0.30006) }, pm: { round: 10, metrics: shot(0.8, 0.85, 0.7, null) } },
    best: { gm: { round: 8, metrics: shot(0.72, 0.91, 0.61, 0.3) }, pm: { round: 3, metrics: shot(0.81, 0.86, 0.71, 0.5) } },
  },
  {
    strategy: 'odd|name,"x"',
    last: { gm: { round: 10, metrics: shot(0.5, 0.6, 0.4, 0.1) }, pm: { round: 10, metrics: shot(0.6, 0.7, 0.5, 0.2) } },
    best: { gm: { round: 10, metrics: shot(0.5, 0.6, 0.4, 0.1) }, pm: { round: 9, metrics: shot(0.65, 0.7, 0.5, 0.25) } },
  },
];

describe('comparisonMarkdown', () => {
  const md = comparisonMarkdown(rows, { title: 'fashion-mnist, seed 1', pmMasking: true });
  const tableRows = (heading: string) =>
    md
      .split(`## ${heading}`)[1]!
      .split('\n')
      .filter((l) => l.startsWith('| ') && !l.startsWith('| ---'));

  it('prints last-round percentages with two decimals, one row per strategy', () => {
    const [header, first] = tableRows('Last round');
    expect(header).toBe('| Strategy | Round | GM all | GM head | GM middle | GM tail | PM (masked) all | PM (masked) head | PM (masked) middle | PM (masked) tail |');
    // 0.71234 → 71.23, 0.30006 → 30.01 (rounded, not truncated); a null group → dash.
    expect(first).toBe('| fedavg | 10 | 71.23 | 90.00 | 60.00 | 30.01 | 80.00 | 85.00 | 70.00 | – |');
  });

  it('prints the separately chosen GM and PM best rounds', () => {
    const [, first] = tableRows('Best round');
    expect(first).toBe('| fedavg | 8 | 72.00 | 91.00 | 61.00 | 30.00 | 3 | 81.00 | 86.00 | 71.00 | 50.00 |');
  });

  it('escapes a pipe in a strategy name so the table keeps its columns', () => {
    expect(tableRows('Last round')[2]).toMatch(/^\| odd\\\|name,"x" \| 10 \|/);
  });
});

describe('comparisonCsv', () => {
  const lines = comparisonCsv(rows).trimEnd().split('\n');

  it('has one header and one line per strategy, as many fields as columns', () => {
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(COMPARISON_CSV_COLUMNS.join(','));
    expect(COMPARISON_CSV_COLUMNS).toHaveLength(1 + 4 * 5);
    expect(lines[1]!.split(',')).toHaveLength(COMPARISON_CSV_COLUMNS.length);
  });

  it('keeps fractions at full precision and leaves a null group empty', () => {
    const fields = Object.fromEntries(COMPARISON_CSV_COLUMNS.map((c, i) => [c, lines[1]!.split(',')[i]]));
    expect(fields).toMatchObject({
      strategy: 'fedavg',
      last_gm_round: '10',
      last_gm_all: '0.71234',
      last_gm_tail: '0.30006',
      last_pm_tail: '',
      best_gm_round: '8',
      best_pm_round: '3',
      best_pm_tail: '0.5',
    });
  });

  it('quotes a name holding a comma or a quote (RFC 4180)', () => {
    expect(lines[2]!.startsWith('"odd|name,""x""",10,0.5,')).toBe(true);
  });
});
