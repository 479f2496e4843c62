import type { RoundRecord, ShotAccuracy } from '@fedloge/core';
import { describe, expect, it } from 'vitest';
import { roundTimings } from './round-timings.js';

const shot: ShotAccuracy = { acc: 0.5, head: 0.5, middle: 0.5, tail: 0.5 };

function round(n: number, trainSeconds: number, evalSeconds: number): RoundRecord {
  const base = { round: n, trainSeconds, evalSeconds, trainLoss: 1, trainMetrics: {}, clients: [], globalUpdated: true };
  return evalSeconds > 0 ? { ...base, gm: shot, pm: shot, pmMasked: shot, pmUnmasked: shot, variants: {} } : base;
}

describe('roundTimings', () => {
  it('sums training over every round and evaluation over the evaluated ones, and compares them per round', () => {
    // evalEvery 2 over 4 rounds: rounds 2 and 4 evaluated.
    const t = roundTimings([round(1, 3, 0), round(2, 5, 6), round(3, 2, 0), round(4, 6, 10)]);
    expect(t).toEqual({
      rounds: 4,
      trainSeconds: 16,
      evaluatedRounds: 2,
      evalSeconds: 16,
      trainSecondsPerRound: 4,
      evalSecondsPerEvaluatedRound: 8,
      evalToTrain: 2,
    });
  });

  it('gives null ratios where a side is missing instead of dividing by zero', () => {
    expect(roundTimings([])).toMatchObject({
      rounds: 0,
      trainSecondsPerRound: null,
      evalSecondsPerEvaluatedRound: null,
      evalToTrain: null,
    });
    expect(roundTimings([round(1, 0, 2)]).evalToTrain).toBeNull();
    expect(roundTimings([round(1, 2, 0)])).toMatchObject({ evaluatedRounds: 0, evalSecondsPerEvaluatedRound: null, evalToTrain: null });
  });
});
