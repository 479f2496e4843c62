import { describe, expect, it } from 'vitest';
import { Rng } from '../random.js';
import { sampleClients } from './client-sampling.js';
import { SIMULATION_DEFAULTS, clientsPerRoundFor, clientsPerRoundProblem, resolveSimulationConfig } from './simulation-config.js';
import { RUN_STREAMS } from './streams.js';

const train = { localEpochs: 1, batchSize: 8, lr: 0.03, momentum: 0.5, weightDecay: 0 };

describe('clientsPerRoundFor', () => {
  it.each([
    // [fraction, N, m]: m = max(floor(fraction·N), 1)
    [0.2, 40, 8],
    [0.3, 40, 12],
    [0.2, 20, 4],
    [0.01, 20, 1], // floor gives 0 → at least one client
    [1, 7, 7],
  ])('fraction %f of %i clients gives %i', (fraction, n, m) => {
    expect(clientsPerRoundFor({ fraction }, n)).toBe(m);
  });

  it('uses min(5, N) when neither setting is given, and checks the range', () => {
    expect(clientsPerRoundFor({}, 3)).toBe(3);
    expect(clientsPerRoundFor({}, 40)).toBe(5);
    expect(() => clientsPerRoundFor({ clientsPerRound: 0 }, 4)).toThrow(/\[1, 4\].*received 0/);
    expect(() => clientsPerRoundFor({ fraction: 1.5 }, 4)).toThrow(/\(0, 1\] for fraction but received 1.5/);
    expect(() => clientsPerRoundFor({ clientsPerRound: 9 }, 4)).toThrow(/clientsPerRound: .*\[1, 4\].*received 9/);
  });

  it('names the field at fault: fraction when both are given', () => {
    expect(clientsPerRoundProblem({ clientsPerRound: 3, fraction: 0.5 }, 10)?.field).toBe('fraction');
    expect(clientsPerRoundProblem({ clientsPerRound: 11 }, 10)?.field).toBe('clientsPerRound');
    expect(clientsPerRoundProblem({ clientsPerRound: 10 }, 10)).toBeUndefined();
  });
});

describe('resolveSimulationConfig', () => {
  it('fills the defaults', () => {
    expect(resolveSimulationConfig({ rounds: 2, seed: 1, train }, 10)).toEqual({
      rounds: 2,
      clientsPerRound: 5,
      evalEvery: 1,
      pmMasking: 'reference',
      evalBatchSize: 500,
      warnUnpredictedAfter: 10,
      augment: true,
      seed: 1,
      train,
    });
    expect(resolveSimulationConfig({ rounds: 2, seed: 1, train, warnUnpredictedAfter: 0 }, 10).warnUnpredictedAfter).toBe(0);
    expect(() => resolveSimulationConfig({ rounds: 2, seed: 1, train, warnUnpredictedAfter: -1 }, 10)).toThrow(
      /warnUnpredictedAfter: .*>=0.*\(received -1\)/,
    );
  });

  it('defaults every setting, the embedded default run', () => {
    const resolved = resolveSimulationConfig({}, 20);
    expect(resolved).toMatchObject({ rounds: SIMULATION_DEFAULTS.rounds, seed: SIMULATION_DEFAULTS.seed, clientsPerRound: 5 });
    expect(resolved.train).toEqual({ localEpochs: 1, batchSize: 32, lr: 0.03, momentum: 0.5, weightDecay: 0 });
  });

  it('names the bad field and value', () => {
    expect(() => resolveSimulationConfig({ rounds: 0, seed: 1, train }, 10)).toThrow(/rounds: .*>=1.*\(received 0\)/);
    expect(() => resolveSimulationConfig({ rounds: 1, seed: 1, train: { ...train, momentum: 1 } }, 10)).toThrow(
      /train\.momentum: .*\(received 1\)/,
    );
    expect(() => resolveSimulationConfig({ rounds: 1, seed: 1.5, train }, 10)).toThrow(/seed: .*int.*\(received 1.5\)/);
    // Every bad field at once, and the clients-per-round rule after the schema.
    expect(() => resolveSimulationConfig({ rounds: 0, evalEvery: 0 }, 10)).toThrow(/rounds: [^\n]*\n\s+evalEvery: /);
    expect(() => resolveSimulationConfig({ clientsPerRound: 11 }, 10)).toThrow(/clientsPerRound: .*\[1, 10\]/);
  });
});

describe('sampleClients', () => {
  it('draws m distinct clients, ascending, reproducibly per round', () => {
    const root = new Rng(3407);
    const r1 = sampleClients(RUN_STREAMS.sampling(root, 1), 40, 8);
    expect(r1).toHaveLength(8);
    expect(new Set(r1).size).toBe(8);
    expect([...r1].sort((a, b) => a - b)).toEqual(r1);
    expect(sampleClients(RUN_STREAMS.sampling(new Rng(3407), 1), 40, 8)).toEqual(r1);
    expect(sampleClients(RUN_STREAMS.sampling(root, 2), 40, 8)).not.toEqual(r1);
  });

  it('is uniform: each of 10 clients is picked in about m/N of 4000 rounds', () => {
    const hits = new Array<number>(10).fill(0);
    const root = new Rng(1);
    for (let round = 0; round < 4000; round++) for (const k of sampleClients(RUN_STREAMS.sampling(root, round), 10, 3)) hits[k]!++;
    // Expected 1200 each; binomial sd ≈ 29, so ±150 is > 5 sd.
    for (const h of hits) expect(Math.abs(h - 1200)).toBeLessThan(150);
  });
});
