import { describe, expect, it } from 'vitest';
import type { ShotAccuracy } from '@fedloge/core';
import { UsageError } from '../config/errors.js';
import type { ReportRoundPoint, ReportRun } from './report-data.js';
import { resultRows } from './result-rows.js';

const acc = (a: number): ShotAccuracy => ({ acc: a, head: a, middle: a, tail: a });

/** A FedLoGe-like run over two rounds: headline gm/sse-c and pm/stage1, with GA-FR and LA-FR beside them. */
function point(round: number, v: { sse: number; gaFr: number; stage1: number; laFr: number; laFrUnmasked: number }): ReportRoundPoint {
  return {
    round,
    gm: acc(v.sse),
    pm: acc(v.stage1),
    variants: {
      'gm/sse-c': acc(v.sse),
      'gm/ga-fr': acc(v.gaFr),
      'pm/stage1': acc(v.stage1),
      'pm/stage1/unmasked': acc(v.stage1 - 0.1),
      'pm/la-fr': acc(v.laFr),
      'pm/la-fr/unmasked': acc(v.laFrUnmasked),
    },
  };
}
const run: ReportRun = {
  name: 'fedloge',
  rounds: [
    point(1, { sse: 0.5, gaFr: 0.6, stage1: 0.7, laFr: 0.9, laFrUnmasked: 0.55 }),
    point(2, { sse: 0.52, gaFr: 0.58, stage1: 0.71, laFr: 0.8, laFrUnmasked: 0.65 }),
  ],
  best: { gm: { round: 2, metrics: acc(0.52) }, pm: { round: 2, metrics: acc(0.71) } },
  perClassGm: [],
  variantLabels: { 'gm/ga-fr': 'GM global (GA-FR)', 'pm/la-fr': 'PM personalized (LA-FR), masked' },
  pmMasked: true,
};

describe('resultRows with chosen variants', () => {
  it('puts the chosen GM and PM variants in the headline row, last round and best round of each', () => {
    const [row] = resultRows([run], { chosen: { fedloge: ['ga-fr', 'la-fr'] } });
    expect(row).toMatchObject({ strategy: 'fedloge', variant: 'GM global (GA-FR) + PM personalized (LA-FR), masked', pmMasked: true });
    expect(row!.last.gm).toEqual({ rounds: [2], metrics: acc(0.58) });
    expect(row!.best.gm).toEqual({ rounds: [1], metrics: acc(0.6) });
    expect(row!.last.pm).toEqual({ rounds: [2], metrics: acc(0.8) });
    expect(row!.best.pm).toEqual({ rounds: [1], metrics: acc(0.9) });
  });

  it('takes full keys (an unmasked PM) and leaves the other model at the headline', () => {
    const [row] = resultRows([run], { chosen: { fedloge: ['pm/la-fr/unmasked'] } });
    expect(row).toMatchObject({ variant: 'PM la-fr, unmasked', pmMasked: false });
    expect(row!.last.gm).toEqual({ rounds: [2], metrics: acc(0.52) });
    expect(row!.best.pm).toEqual({ rounds: [2], metrics: acc(0.65) });
  });

  it("lists the strategy's own headline among the variant rows instead of the chosen one", () => {
    const keys = resultRows([run], { variants: true, chosen: { fedloge: ['ga-fr'] } }).map((r) => r.key ?? r.variant);
    expect(keys).toEqual(['GM global (GA-FR)', 'gm/sse-c', 'pm/stage1/unmasked', 'pm/la-fr', 'pm/la-fr/unmasked']);
  });

  it('refuses a variant the strategy did not report, listing those it did', () => {
    expect(() => resultRows([run], { chosen: { fedloge: ['gaux'] } })).toThrow(UsageError);
    expect(() => resultRows([run], { chosen: { fedloge: ['gaux'] } })).toThrow(
      /fedloge=gaux: fedloge reported no such variant; its variants are sse-c, ga-fr, stage1, la-fr/,
    );
    expect(() => resultRows([run], { chosen: { fedloge: ['sse-c', 'ga-fr'] } })).toThrow(/two GM variants for fedloge/);
  });
});
