import { describe, expect, it } from 'vitest';
import { silentLogger } from '../logger.js';
import { record, update, valuesOf } from './__fixtures__/updates.js';
import { FedAvgMAggregator } from './fedavgm.js';

/** Two rounds where the client mean is [1, 8] and then [2, 8]. */
function twoRounds(agg: FedAvgMAggregator) {
  const x1 = agg.aggregate({
    round: 1,
    current: record({ w: [0, 10] }),
    updates: [update(0, 1, { w: [0, 9] }), update(1, 1, { w: [2, 7] })],
  });
  const x2 = agg.aggregate({
    round: 2,
    current: x1,
    updates: [update(0, 3, { w: [2, 8] }), update(1, 1, { w: [2, 8] })],
  });
  return { x1, x2 };
}

describe('fedavgm', () => {
  it('defaults to η = 1, β = 0.9 and steps by hand', () => {
    const agg = new FedAvgMAggregator({}, silentLogger());
    expect(agg.options).toEqual({ serverLearningRate: 1, serverMomentum: 0.9 });
    const { x1, x2 } = twoRounds(agg);
    // round 1: g = x − mean = [0−1, 10−8] = [−1, 2]; v = g; x1 = x − v = [1, 8] (FedAvg's mean)
    expect(valuesOf(x1, 'w')).toEqual([1, 8]);
    // round 2: g = [1−2, 8−8] = [−1, 0]; v = 0.9·[−1, 2] + [−1, 0] = [−1.9, 1.8]; x2 = [1+1.9, 8−1.8]
    expect(valuesOf(x2, 'w')[0]).toBeCloseTo(2.9, 6);
    expect(valuesOf(x2, 'w')[1]).toBeCloseTo(6.2, 6);
    expect(valuesOf(agg.stateDict()!, 'momentum/w')[0]).toBeCloseTo(-1.9, 6);
  });

  it('scales the step by the server learning rate', () => {
    const { x1, x2 } = twoRounds(new FedAvgMAggregator({ serverLearningRate: 0.5 }, silentLogger()));
    // round 1: v = [−1, 2]; x1 = [0 + 0.5, 10 − 1] = [0.5, 9]
    expect(valuesOf(x1, 'w')).toEqual([0.5, 9]);
    // round 2: g = [0.5−2, 9−8] = [−1.5, 1]; v = [−0.9−1.5, 1.8+1] = [−2.4, 2.8]; x2 = [0.5+1.2, 9−1.4]
    expect(valuesOf(x2, 'w')[0]).toBeCloseTo(1.7, 6);
    expect(valuesOf(x2, 'w')[1]).toBeCloseTo(7.6, 6);
  });

  it('resumes from its state dict', () => {
    const first = new FedAvgMAggregator({}, silentLogger());
    const reference = twoRounds(first);
    const resumed = new FedAvgMAggregator({}, silentLogger());
    const fresh = new FedAvgMAggregator({}, silentLogger());
    fresh.aggregate({
      round: 1,
      current: record({ w: [0, 10] }),
      updates: [update(0, 1, { w: [0, 9] }), update(1, 1, { w: [2, 7] })],
    });
    resumed.loadStateDict(fresh.stateDict());
    const x2 = resumed.aggregate({
      round: 2,
      current: reference.x1,
      updates: [update(0, 3, { w: [2, 8] }), update(1, 1, { w: [2, 8] })],
    });
    expect(valuesOf(x2, 'w')).toEqual(valuesOf(reference.x2, 'w'));
  });

  it('warns that β = 0, η = 1 is FedAvg', () => {
    const logger = silentLogger();
    new FedAvgMAggregator({ serverMomentum: 0 }, logger);
    expect(logger.warnings).toEqual(['fedavgm with serverMomentum 0 and serverLearningRate 1 is exactly fedavg']);
  });

  it.each([
    // momentum 1 never forgets and diverges
    [{ serverMomentum: 1 }, /serverMomentum/],
    // a zero step never moves
    [{ serverLearningRate: 0 }, /serverLearningRate/],
  ])('rejects %j', (options, message) => {
    expect(() => new FedAvgMAggregator(options, silentLogger())).toThrow(message);
  });
});
