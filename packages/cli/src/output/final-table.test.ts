import { describe, expect, it } from 'vitest';
import type { EvaluatedRoundRecord, RunResult, ShotAccuracy } from '@fedloge/core';
import { formatFinalTable, percent } from './final-table.js';

const shot = (acc: number, head: number, middle: number, tail: number | null): ShotAccuracy => ({ acc, head, middle, tail });

function result(pmMasked = true): RunResult {
  const final: EvaluatedRoundRecord = {
    round: 10,
    gm: shot(0.5, 0.9, 0.4, 0.1),
    pm: shot(0.75, 0.8, 0.7, 0.6),
    pmMasked: shot(0.75, 0.8, 0.7, 0.6),
    pmUnmasked: shot(0.7, 0.8, 0.6, 0.5),
    variants: {
      'gm/sse-c': shot(0.5, 0.9, 0.4, 0.1),
      'gm/ga-fr': shot(0.55, 0.85, 0.5, 0.3),
      'pm/local': shot(0.75, 0.8, 0.7, 0.6),
      'pm/local/unmasked': shot(0.7, 0.8, 0.6, 0.5),
    },
    trainSeconds: 1,
    evalSeconds: 1,
    trainLoss: 0.5,
    trainMetrics: {},
    clients: [],
    globalUpdated: true,
  };
  return {
    strategy: 'x',
    rounds: [final],
    final,
    best: { gm: { round: 8, metrics: shot(0.6, 0, 0, 0) }, pm: { round: 10, metrics: final.pm } },
    roundsWithoutUpdate: [],
    warnings: [],
    pmMasked,
    perClassAccuracy: [],
    pmPerClient: [],
    global: {},
    totalSeconds: 12.34,
  };
}

describe('formatFinalTable', () => {
  it('shows every GM variant, then every PM variant masked and unmasked, marking the headlines', () => {
    const lines = formatFinalTable(result()).split('\n');
    expect(lines[0]).toMatch(
      /^Results after round 10 \(accuracy %; \* = headline GM \/ PM.*the headline PM is masked, as x's reference reports it/,
    );
    expect(lines[1]!.trim().split(/\s+/)).toEqual(['acc', 'head', 'middle', 'tail', 'key']);
    const rows = lines.slice(3, 7).map((l) => l.trim().split(/\s{2,}/));
    expect(rows).toEqual([
      ['GM sse-c *', '50.0', '90.0', '40.0', '10.0', 'gm/sse-c'],
      ['GM ga-fr', '55.0', '85.0', '50.0', '30.0', 'gm/ga-fr'],
      ['PM local, masked *', '75.0', '80.0', '70.0', '60.0', 'pm/local'],
      ['PM local, unmasked', '70.0', '80.0', '60.0', '50.0', 'pm/local/unmasked'],
    ]);
    expect(lines[7]).toBe('');
    expect(lines).toContain('Best GM acc 60.0 at round 8; best PM acc 75.0 at round 10.');
    expect(lines).toContain('Total time 12.3 s.');
  });

  it("names rows by the strategy's labels and marks the unmasked PM as headline when masking is off", () => {
    const labels = { 'gm/sse-c': 'GM universal (SSE-C)', 'pm/local': 'PM personalized (LA-FR)' };
    const rows = formatFinalTable(result(false), labels)
      .split('\n')
      .slice(3, 7)
      .map((l) => l.trim().split(/\s{2,}/)[0]);
    expect(rows).toEqual(['GM universal (SSE-C) *', 'GM ga-fr', 'PM personalized (LA-FR), masked', 'PM personalized (LA-FR), unmasked *']);
  });

  it("prints the strategy's scaled-down note above the table", () => {
    const lines = formatFinalTable(result(), {}, "FedETF's PM fine-tuning is 2 × (1 + 1) epochs (official 20 × (3 + 3))").split('\n');
    expect(lines[0]).toBe("SCALED DOWN FOR SPEED: FedETF's PM fine-tuning is 2 × (1 + 1) epochs (official 20 × (3 + 3))");
    expect(lines[1]).toMatch(/^Results after round 10/);
  });

  it('repeats each unpredicted class-group warning after the table, and nothing without one', () => {
    const base = result();
    const warning = {
      kind: 'unpredicted-class-group' as const,
      variant: 'gm/sse-c',
      group: 'tail' as const,
      classes: [6, 7, 8, 9],
      fromRound: 1,
      toRound: 10,
      evaluations: 10,
      raisedAtRound: 10,
      last: shot(0.3, 0.9, 0.1, 0),
      testImages: 10000,
      predicted: { head: 9000, middle: 1000, tail: 0 },
      message: 'x',
    };
    const lines = formatFinalTable({ ...base, warnings: [warning] }).split('\n');
    expect(lines[lines.length - 1]).toBe(
      'WARNING: gm/sse-c predicted no tail class (6, 7, 8, 9) in 10 consecutive evaluations, rounds 1–10 (summary.json warnings).',
    );
    expect(formatFinalTable(base)).not.toContain('WARNING');
  });

  it('aligns the numbers in columns', () => {
    const lines = formatFinalTable(result()).split('\n').slice(1, 7);
    const accEnd = lines[0]!.indexOf('acc') + 3;
    for (const l of lines.slice(2)) expect(l.slice(accEnd - 4, accEnd)).toMatch(/^\d\d\.\d$/);
  });

  it('prints a dash for a group with nothing to measure', () => {
    expect(percent(null)).toBe('-');
    expect(percent(0.1234)).toBe('12.3');
  });
});
