import { describe, expect, it } from 'vitest';
import { lrAtRound } from '@fedloge/core';
import { RunConfigSchema } from '../config/schema.js';
import { clientRuntimeSpec } from './runtime-spec.js';

const partition = { dataset: 'fashion-mnist', numClasses: 10, trainIndices: [[0]], localTestIndices: [[0]] };

describe('clientRuntimeSpec', () => {
  it("gives clients a cosine schedule that runs to the run's last round (periodRounds = rounds − warm-up)", () => {
    const config = RunConfigSchema.parse({ rounds: 6, train: { lr: 0.1, lrSchedule: { name: 'cosine', warmupRounds: 2 } } });
    const { train } = clientRuntimeSpec(config, partition, '/');
    expect(train.lrSchedule).toEqual({ name: 'cosine', warmupRounds: 2, periodRounds: 4 });
    // Round 3 starts the cosine at lr; round 7 (one past the end) would reach 0.
    expect(lrAtRound(train.lr, train.lrSchedule, 3)).toBe(0.1);
    expect(lrAtRound(train.lr, train.lrSchedule, 7)).toBeCloseTo(0, 12);
  });

  it('leaves the default train settings as they are (no schedule, no optimiser key)', () => {
    const config = RunConfigSchema.parse({});
    expect(clientRuntimeSpec(config, partition, '/').train).toEqual({
      localEpochs: 1,
      batchSize: 32,
      lr: 0.03,
      momentum: 0.5,
      weightDecay: 0,
    });
  });
});
