/**
 * The configured local optimiser and lr schedule in the round loop: FedAvg's and FedLoGe's local
 * loops train with Adam/AdamW under a schedule, each client-round's lr is the schedule's, and the
 * tensor count does not grow from round to round (every optimiser's moment buffers are freed).
 */
import 'reflect-metadata';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Simulation, buildClientRuntime, lrAtRound, silentLogger, type Reporter, type TrainConfig } from '@fedloge/core';
import { createPatternFederation } from '../../../test/fixtures/pattern-federation.js';
import { testContainer } from '../../../test/fixtures/plugins.js';

const ROUNDS = 4;

async function run(strategy: { name: string; options?: Record<string, unknown> }, train: TrainConfig) {
  const data = createPatternFederation({ numClasses: 4, trainPerClass: 24, testPerClass: 6, numClients: 4, seed: 2, noise: 1 });
  const logger = silentLogger();
  const config = { rounds: ROUNDS, clientsPerRound: 2, seed: 5, train };
  const runtime = buildClientRuntime(
    testContainer(),
    {
      strategy,
      aggregator: { name: 'fedavg' },
      model: { backbone: { name: 'tiny-mlp', options: { featureDim: 8 } } },
      train,
      seed: 5,
      augment: false,
    },
    data,
    logger,
  );
  const tensorsAfterRound: number[] = [];
  const lrsSeen: number[] = [];
  const probe: Reporter = { onRoundEnd: () => void tensorsAfterRound.push(tf.memory().numTensors) };
  // Record the lr each client-round trains with, as the strategy sees it.
  const trainClient = runtime.strategy.trainClient.bind(runtime.strategy);
  runtime.strategy.trainClient = (ctx) => {
    lrsSeen.push(ctx.train.lr);
    return trainClient(ctx);
  };
  const result = await new Simulation({ ...runtime, config, logger, reporters: [probe] }).run();
  return { result, tensorsAfterRound, lrsSeen };
}

describe('local optimisers in the round loop', () => {
  const cases: { strategy: { name: string; options?: Record<string, unknown> }; train: TrainConfig }[] = [
    {
      strategy: { name: 'fedavg' },
      train: {
        localEpochs: 2,
        batchSize: 8,
        lr: 0.01,
        momentum: 0,
        weightDecay: 0.01,
        optimizer: { name: 'adam' },
        lrSchedule: { name: 'step', stepRounds: 2, gamma: 0.5 },
      },
    },
    {
      strategy: { name: 'fedloge', options: { etfSteps: 200 } },
      train: {
        localEpochs: 1,
        batchSize: 8,
        lr: 0.01,
        momentum: 0,
        weightDecay: 0.05,
        optimizer: { name: 'adamw' },
        lrSchedule: { name: 'cosine', warmupRounds: 1 },
      },
    },
  ];
  for (const { strategy, train } of cases) {
    it(`${strategy.name} with ${train.optimizer!.name} and a ${train.lrSchedule!.name} schedule: the schedule's lr each round, no tensor growth`, async () => {
      const { result, tensorsAfterRound, lrsSeen } = await run(strategy, train);
      expect(result.rounds).toHaveLength(ROUNDS);
      for (const r of result.rounds) for (const c of r.clients) expect(Number.isFinite(c.metrics['loss']), `round ${r.round}`).toBe(true);
      // Two clients a round, in round order; the schedule as the run resolved it (cosine: period ROUNDS − warm-up).
      const schedule = train.lrSchedule!.name === 'cosine' ? { ...train.lrSchedule!, periodRounds: ROUNDS - 1 } : train.lrSchedule!;
      const expected = Array.from({ length: ROUNDS }, (_, t) => lrAtRound(train.lr, schedule, t + 1)).flatMap((lr) => [lr, lr]);
      expect(lrsSeen).toEqual(expected);
      expect(new Set(lrsSeen).size).toBeGreaterThan(1);
      expect(tensorsAfterRound.slice(1), `tensors after rounds 1..${ROUNDS}: ${tensorsAfterRound.join(', ')}`).toEqual(
        tensorsAfterRound.slice(1).map(() => tensorsAfterRound[1]),
      );
    });
  }
});
