import { describe, expect, it } from 'vitest';
import { resolveWorkerCount } from './worker-count.js';

describe('resolveWorkerCount', () => {
  it.each([
    // [setting, clients per round, cores, expected, why]
    ['auto', 5, 2, 2, 'two cores, several clients: both cores train'],
    ['auto', 5, 16, 2, 'auto never starts more than 2 (memory: each worker holds the data set)'],
    ['auto', 5, 1, 0, 'one core: a worker would only add copying'],
    ['auto', 1, 8, 0, 'one client per round: nothing to parallelise'],
    [4, 3, 8, 3, 'an explicit count is capped at the clients per round'],
    [0, 5, 8, 0, 'zero means the main thread'],
  ] as const)('%s workers, %i clients/round, %i cores → %i (%s)', (setting, perRound, cores, expected, _why) => {
    expect(resolveWorkerCount(setting, perRound, cores)).toBe(expected);
  });
});
