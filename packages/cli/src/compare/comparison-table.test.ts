import { describe, expect, it } from 'vitest';
import type { ShotAccuracy } from '@fedloge/core';
import type { ResultRow } from '../report/result-rows.js';
import { COMPARISON_CSV_COLUMNS, comparisonCsv, comparisonMarkdown } from './comparison-table.js';

const shot = (acc: number, head: number, middle: number, tail: number | null): ShotAccuracy => ({ acc, head, middle, tail });
const at = (round: number, metrics: ShotAccuracy) => ({ rounds: [round], metrics });

const rows: ResultRow[] = [
  {
    strategy: 'fedavg',
    variant: 'headline',
    pmMasked: false,
    seeds: 1,
    last: { gm: at(10, shot(0.71234, 0.9, 0.6, 0.30006)), pm: at(10, shot(0.8, 0.85, 0.7, null)) },
    best: { gm: at(8, shot(0.72, 0.91, 0.61, 0.3)), pm: at(3, shot(0.81, 0.86, 0.71, 0.5)) },
  },
  {
    strategy: 'fedloge',
    variant: 'GM global (GA-FR)',
    key: 'gm/ga-fr',
    seeds: 3,
    last: { gm: { rounds: [10, 10, 10], metrics: shot(0.5, 0.6, 0.4, 0.1), std: shot(0.0123, 0.02, 0.01, 0.005) } },
    best: { gm: { rounds: [9, 10, 7], metrics: shot(0.55, 0.6, 0.4, 0.1), std: shot(0.01, 0.02, 0.01, 0.005) } },
  },
  {
    strategy: 'odd|name,"x"',
    variant: 'headline',
    pmMasked: true,
    seeds: 1,
    last: { gm: at(10, shot(0.5, 0.6, 0.4, 0.1)), pm: at(10, shot(0.6, 0.7, 0.5, 0.2)) },
    best: { gm: at(10, shot(0.5, 0.6, 0.4, 0.1)), pm: at(9, shot(0.65, 0.7, 0.5, 0.25)) },
  },
];

describe('comparisonMarkdown', () => {
  const md = comparisonMarkdown(rows, { title: 'fashion-mnist, seed 1', notes: ['**creff: scaled down for speed.** x'] });
  const tableRows = (heading: string) =>
    md
      .split(`## ${heading}`)[1]!
      .split('\n')
      .filter((l) => l.startsWith('| ') && !l.startsWith('| ---'));

  it('prints last-round percentages with two decimals, the PM masking and the seeds of every row', () => {
    const [header, first] = tableRows('Last round');
    expect(header).toBe(
      '| Strategy | Variant | Seeds | Round | GM all | GM head | GM middle | GM tail | PM masking | PM all | PM head | PM middle | PM tail |',
    );
    // 0.71234 → 71.23, 0.30006 → 30.01 (rounded, not truncated); a null group → dash.
    expect(first).toBe('| fedavg | headline | 1 | 10 | 71.23 | 90.00 | 60.00 | 30.01 | unmasked | 80.00 | 85.00 | 70.00 | – |');
    expect(tableRows('Last round')[3]).toMatch(/\| headline \| 1 \| 10 \| .* \| masked \| 60\.00 \|/);
  });

  it('prints mean ± std over seeds, and a variant row without the other model as dashes', () => {
    const [, , variant] = tableRows('Last round');
    expect(variant).toBe(
      '| fedloge | GM global (GA-FR) | 3 | 10 | 50.00 ± 1.23 | 60.00 ± 2.00 | 40.00 ± 1.00 | 10.00 ± 0.50 | – | – | – | – | – |',
    );
    expect(md).toMatch(/a number is the mean ± sample standard deviation/);
  });

  it('prints the separately chosen GM and PM best rounds, per seed where they differ', () => {
    const [, first, variant] = tableRows('Best round');
    expect(first).toBe('| fedavg | headline | 1 | 8 | 72.00 | 91.00 | 61.00 | 30.00 | unmasked | 3 | 81.00 | 86.00 | 71.00 | 50.00 |');
    expect(variant).toMatch(/^\| fedloge \| GM global \(GA-FR\) \| 3 \| 9\/10\/7 \| 55\.00 ± 1\.00 \|/);
  });

  it('escapes a pipe in a strategy name so the table keeps its columns, and prints the notes', () => {
    expect(tableRows('Last round')[3]).toMatch(/^\| odd\\\|name,"x" \| headline \| 1 \| 10 \|/);
    expect(md).toContain('**creff: scaled down for speed.** x');
  });
});

describe('comparisonCsv', () => {
  const lines = comparisonCsv(rows).trimEnd().split('\n');
  const fieldsOf = (line: string) => Object.fromEntries(COMPARISON_CSV_COLUMNS.map((c, i) => [c, line.split(',')[i]]));

  it('has one header and one line per row, as many fields as columns', () => {
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe(COMPARISON_CSV_COLUMNS.join(','));
    expect(COMPARISON_CSV_COLUMNS).toHaveLength(5 + 4 * 9 + 1);
    expect(lines[1]!.split(',')).toHaveLength(COMPARISON_CSV_COLUMNS.length);
  });

  it('keeps fractions at full precision, with the masking, seeds and std, and leaves what is not measured empty', () => {
    expect(fieldsOf(lines[1]!)).toMatchObject({
      strategy: 'fedavg',
      variant: 'headline',
      seeds: '1',
      pm_masking: 'unmasked',
      last_gm_round: '10',
      last_gm_all: '0.71234',
      last_gm_all_std: '',
      last_gm_tail: '0.30006',
      last_pm_tail: '',
      best_gm_round: '8',
      best_pm_round: '3',
      best_pm_tail: '0.5',
    });
    expect(fieldsOf(lines[2]!)).toMatchObject({
      variant: 'GM global (GA-FR)',
      key: 'gm/ga-fr',
      seeds: '3',
      pm_masking: '',
      last_gm_all: '0.5',
      last_gm_all_std: '0.0123',
      best_gm_round: '9/10/7',
      last_pm_all: '',
    });
  });

  it('quotes a name holding a comma or a quote (RFC 4180)', () => {
    expect(lines[3]!.startsWith('"odd|name,""x""",headline,,1,masked,10,0.5,')).toBe(true);
  });

  it("puts a strategy's warnings into the last column of each of its rows, empty for the others", () => {
    const warned = comparisonCsv(rows, { fedloge: ['gm/sse-c predicted no tail class (6, 7, 8, 9)', 'gm/ga-fr, x'] })
      .trimEnd()
      .split('\n');
    expect(warned[1]!.endsWith(',')).toBe(true); // fedavg: none
    expect(warned[2]!.endsWith(',"gm/sse-c predicted no tail class (6, 7, 8, 9); gm/ga-fr, x"')).toBe(true);
    expect(lines.slice(1).every((l) => l.endsWith(','))).toBe(true); // without warnings: all empty
  });
});

describe('comparisonMarkdown warnings', () => {
  it('marks the rows of a warned strategy and lists its warnings; nothing without warnings', () => {
    const md = comparisonMarkdown(rows, { title: 't', warnings: { fedloge: ['gm/sse-c predicted no tail class'] } });
    expect(md).toMatch(/^\| fedloge ⚠ \| GM global \(GA-FR\) \|/m);
    expect(md).toMatch(/^\| fedavg \| headline \|/m);
    expect(md).toContain('## Warnings');
    expect(md).toContain('- ⚠ **fedloge**: gm/sse-c predicted no tail class');
    expect(comparisonMarkdown(rows, { title: 't' })).not.toContain('⚠');
  });
});
