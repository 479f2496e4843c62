/**
 * Differential test of the local optimisers and lr schedules against PyTorch 1.13 (optimizers_torch.py):
 * the same parameters and gradients through a few steps of SGD, Adam and AdamW (torch.optim), and the
 * lr of each schedule over rounds (torch.optim.lr_scheduler, one step() per round: StepLR,
 * CosineAnnealingLR, LinearLR warm-up through SequentialLR). Every optimiser runs on the tfjs cpu backend
 * here; both sides are float32 for the optimisers and float64 for the schedules.
 * Skipped, with the reason, where /usr/bin/python3 has no torch.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import {
  createLocalOptimizer,
  initBackend,
  lrAtRound,
  resolveSimulationConfig,
  silentLogger,
  type LrSchedule,
  type TrainConfig,
} from '@fedloge/core';
import { Rng } from '@fedloge/core/data';
import { fromJsonArray, relativeDifference, runTorchReference, toJsonArray, torchUnavailable, type JsonArray } from './torch-reference.js';

const SCRIPT = fileURLToPath(new URL('./optimizers_torch.py', import.meta.url));
const SHAPES = [[3, 4], [5], [2, 2, 2]] as const;
const STEPS = 6;
/** Relative L2 difference per parameter after each step: float32 on both sides, different kernels. */
const OPTIMIZER_TOL = 2e-6;
/** Difference of each lr relative to the base lr: float64 on both sides, torch's recursive cosine. */
const LR_TOL = 1e-12;
const ROUNDS = 14;
const LR = 0.05;

interface OptimizerCase {
  readonly label: string;
  readonly train: TrainConfig;
  /** torch.optim keyword arguments for the same settings. */
  readonly torch: { readonly name: string; readonly options: Record<string, unknown> };
}

const base = { localEpochs: 1, batchSize: 8, lr: LR, momentum: 0, weightDecay: 0 };
const CASES: OptimizerCase[] = [
  {
    label: 'sgd momentum wd',
    train: { ...base, momentum: 0.9, weightDecay: 0.01 },
    torch: { name: 'sgd', options: { lr: LR, momentum: 0.9, weight_decay: 0.01 } },
  },
  { label: 'adam', train: { ...base, optimizer: { name: 'adam' } }, torch: { name: 'adam', options: { lr: LR } } },
  {
    label: 'adam L2 betas eps',
    train: { ...base, weightDecay: 0.1, optimizer: { name: 'adam', beta1: 0.8, beta2: 0.95, eps: 1e-4 } },
    torch: { name: 'adam', options: { lr: LR, betas: [0.8, 0.95], eps: 1e-4, weight_decay: 0.1 } },
  },
  {
    label: 'adamw decoupled',
    train: { ...base, weightDecay: 0.1, optimizer: { name: 'adamw' } },
    torch: { name: 'adamw', options: { lr: LR, weight_decay: 0.1 } },
  },
  // momentum is SGD's only: Adam ignores it.
  {
    label: 'adamw no decay',
    train: { ...base, momentum: 0.5, optimizer: { name: 'adamw' } },
    torch: { name: 'adamw', options: { lr: LR, weight_decay: 0 } },
  },
];

const SCHEDULES: LrSchedule[] = [
  { name: 'constant' },
  { name: 'constant', warmupRounds: 3 },
  { name: 'step', stepRounds: 4 },
  { name: 'step', stepRounds: 3, gamma: 0.5, warmupRounds: 2, warmupStartFactor: 0.1 },
  { name: 'cosine' },
  { name: 'cosine', minFactor: 0.1, warmupRounds: 4 },
  { name: 'cosine', periodRounds: 5 },
];

const skipReason = torchUnavailable();

function randomArrays(rng: Rng): JsonArray[] {
  return SHAPES.map((shape) => {
    const n = shape.reduce((a, b) => a * b, 1);
    return toJsonArray(
      shape,
      Array.from({ length: n }, () => rng.normal()),
    );
  });
}

describe.skipIf(skipReason !== undefined)(
  `local optimisers and lr schedules vs PyTorch${skipReason ? ` (skipped: ${skipReason})` : ''}`,
  () => {
    const rng = new Rng(3407);
    const params = randomArrays(rng);
    const grads = Array.from({ length: STEPS }, () => randomArrays(rng));
    // The schedules as a run resolves them (cosine's period from the rounds).
    const resolved = SCHEDULES.map(
      (lrSchedule) => resolveSimulationConfig({ rounds: ROUNDS, train: { lrSchedule } }, 10).train.lrSchedule!,
    );
    let reference: { optimizers: JsonArray[][][]; schedules: number[][] };

    beforeAll(async () => {
      await initBackend({ backend: 'cpu', logger: silentLogger() });
      reference = runTorchReference(
        {
          optimizers: CASES.map((c) => ({ ...c.torch, params, grads })),
          schedules: resolved.map((s) => ({ ...s, lr: LR, rounds: ROUNDS })),
        },
        SCRIPT,
      );
    });

    CASES.forEach((c, k) => {
      it(`${c.label}: ${STEPS} steps match torch.optim`, () => {
        const before = tf.memory().numTensors;
        const variables = params.map((p, i) => {
          const a = fromJsonArray(p);
          return tf.tidy(() => tf.variable(tf.tensor(a.data, a.shape), true, `p${i}`));
        });
        const optimizer = createLocalOptimizer(variables, c.train);
        try {
          grads.forEach((step, t) => {
            const g = new Map(step.map((gj, i) => [variables[i]!, tf.tensor(fromJsonArray(gj).data, fromJsonArray(gj).shape)] as const));
            optimizer.step(g);
            for (const tensor of g.values()) tensor.dispose();
            variables.forEach((v, i) => {
              const expected = fromJsonArray(reference.optimizers[k]![t]![i]!).data;
              const diff = relativeDifference(v.dataSync(), expected);
              expect(diff, `step ${t + 1}, parameter ${i}`).toBeLessThan(OPTIMIZER_TOL);
            });
          });
        } finally {
          optimizer.dispose();
          for (const v of variables) v.dispose();
        }
        expect(tf.memory().numTensors, 'tensors left after dispose').toBe(before);
      });
    });

    resolved.forEach((schedule, k) => {
      it(`${JSON.stringify(schedule)}: lr over ${ROUNDS} rounds matches torch.optim.lr_scheduler`, () => {
        const ours = Array.from({ length: ROUNDS }, (_, t) => lrAtRound(LR, schedule, t + 1));
        const theirs = reference.schedules[k]!;
        // Relative to lr itself: a cosine reaches 0.
        ours.forEach((lr, t) => expect(Math.abs(lr - theirs[t]!) / LR, `round ${t + 1}: ${lr} vs ${theirs[t]}`).toBeLessThan(LR_TOL));
        // A step or cosine schedule must actually move the lr (a constant answer on both sides would pass the comparison).
        if (schedule.name !== 'constant' || schedule.warmupRounds) expect(new Set(ours).size).toBeGreaterThan(1);
      });
    });
  },
);
