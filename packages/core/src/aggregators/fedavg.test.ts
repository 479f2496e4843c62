// FedAvg, and through it the checks every aggregator inherits from BaseAggregator.
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../logger.js';
import { record, update, valuesOf } from './__fixtures__/updates.js';
import { AggregationError } from './errors.js';
import { FedAvgAggregator } from './fedavg.js';

const current = record({ w: [0, 0], 'bn.running_var': [1, 1] });

describe('fedavg', () => {
  it('averages every entry by sample count', () => {
    const agg = new FedAvgAggregator({}, silentLogger());
    const next = agg.aggregate({
      round: 1,
      current,
      updates: [update(0, 10, { w: [1, 2], 'bn.running_var': [2, 4] }), update(1, 30, { w: [5, -2], 'bn.running_var': [6, 8] })],
    });
    // (10·1 + 30·5)/40 = 4, (20 − 60)/40 = −1; BN statistics too: (20+180)/40 = 5, (40+240)/40 = 7
    expect(valuesOf(next, 'w')).toEqual([4, -1]);
    expect(valuesOf(next, 'bn.running_var')).toEqual([5, 7]);
  });

  it('keeps the current values when no update arrives', () => {
    const logger = silentLogger();
    const next = new FedAvgAggregator({}, logger).aggregate({ round: 7, current, updates: [] });
    expect(next).toEqual(current);
    expect(logger.warnings).toEqual(['fedavg, round 7: no client updates to aggregate; the global arrays stay unchanged']);
  });

  it('throws on a layout mismatch before looking at values, naming tensor and client', () => {
    const agg = new FedAvgAggregator({}, silentLogger());
    const bad = update(9, 1, { w: [Number.NaN, 1, 2], 'bn.running_var': [1, 1] });
    expect(() => agg.aggregate({ round: 1, current, updates: [bad] })).toThrow(AggregationError);
    expect(() => agg.aggregate({ round: 1, current, updates: [bad] })).toThrow(
      /round 1: update from client 9: array 'w' has shape \[3\] but \[2\] was expected/,
    );
  });

  it('refuses current global arrays whose data disagrees with their shape', () => {
    const broken = { w: { shape: [3], data: new Float32Array(2) } };
    expect(() =>
      new FedAvgAggregator({}, silentLogger()).aggregate({ round: 2, current: broken, updates: [update(0, 1, { w: [1, 2, 3] })] }),
    ).toThrow(/fedavg, round 2: current global arrays: array 'w' has shape \[3\] \(3 values\) but holds 2 values/);
  });

  it('rejects unknown options', () => {
    expect(() => new FedAvgAggregator({ lr: 1 } as never, silentLogger())).toThrow(/aggregator 'fedavg'.*Unrecognized key/s);
  });

  it('summarises itself', () => {
    expect(new FedAvgAggregator({}, silentLogger()).summary()).toEqual({ aggregator: 'fedavg' });
  });
});
