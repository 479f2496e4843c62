/**
 * The round-loop settings of a simulation: their one zod schema, which holds every check and every
 * default. The CLI's config schema is composed of these fields (packages/cli/src/config/schema.ts),
 * so a setting is checked and defaulted here only. The defaults are the embedded default run's.
 */
import { z } from 'zod';
import type { TrainConfig } from '../strategy.js';
import { ADAM_DEFAULTS } from '../train/adam.js';
import { STEP_GAMMA, WARMUP_START_FACTOR } from '../train/lr-schedule.js';

export const SIMULATION_DEFAULTS = {
  rounds: 10,
  seed: 3407,
  evalEvery: 1,
  pmMasking: 'reference',
  // What every CLI run has evaluated with (so their metrics stay as they were) and what the
  // evaluation timings in docs/paper-table.md were measured at; any size gives the same numbers.
  evalBatchSize: 500,
  // Ten evaluations: long enough that the first rounds of a run from scratch (which often predict
  // one class) do not warn, short enough to flag the 100-round CIFAR-10-LT case of issue 18 early.
  warnUnpredictedAfter: 10,
  augment: true,
  clientsPerRound: 5,
} as const;

const positiveInt = (what: string) => z.int().min(1).describe(what);
const warmup = {
  warmupRounds: z.int().min(0).optional().describe('Linear warm-up over the first rounds (torch LinearLR); 0 or absent: none.'),
  warmupStartFactor: z
    .number()
    .gt(0)
    .max(1)
    .optional()
    .describe(`Warm-up's first-round lr as a fraction of lr (torch LinearLR start_factor). Default ${WARMUP_START_FACTOR.toFixed(4)}.`),
};

/** The local optimiser (`OptimizerConfig`): lr and weightDecay are train's; momentum is SGD's only. */
export const optimizerConfigSchema = z.discriminatedUnion('name', [
  z.strictObject({ name: z.literal('sgd') }),
  z.strictObject({
    name: z.enum(['adam', 'adamw']),
    beta1: z.number().min(0).lt(1).optional().describe(`Adam β1. Default ${ADAM_DEFAULTS.beta1}.`),
    beta2: z.number().min(0).lt(1).optional().describe(`Adam β2. Default ${ADAM_DEFAULTS.beta2}.`),
    eps: z.number().gt(0).optional().describe(`Adam ε. Default ${ADAM_DEFAULTS.eps}.`),
  }),
]);

/** The per-round lr schedule (`LrSchedule`, train/lr-schedule.ts). */
export const lrScheduleSchema = z.discriminatedUnion('name', [
  z.strictObject({ name: z.literal('constant'), ...warmup }),
  z.strictObject({
    name: z.literal('step'),
    stepRounds: positiveInt('Multiply lr by gamma every this many rounds (torch StepLR step_size).'),
    gamma: z.number().gt(0).max(1).optional().describe(`StepLR gamma. Default ${STEP_GAMMA}.`),
    ...warmup,
  }),
  z.strictObject({
    name: z.literal('cosine'),
    periodRounds: positiveInt('Cosine half-period in rounds (torch CosineAnnealingLR T_max). Default: rounds minus warm-up.').optional(),
    minFactor: z.number().min(0).max(1).optional().describe('Final lr as a fraction of lr (eta_min / lr). Default 0.'),
    ...warmup,
  }),
]);

/** Local training of every client (`TrainConfig`): SGD with PyTorch's momentum, as the reference code. */
export const trainConfigSchema = z.strictObject({
  localEpochs: z.int().min(1).default(1).describe('Local epochs per client per round.'),
  batchSize: z.int().min(1).default(32).describe('Local mini-batch size.'),
  lr: z.number().gt(0).default(0.03).describe('SGD learning rate.'),
  momentum: z.number().min(0).lt(1).default(0.5).describe('SGD momentum (PyTorch semantics), reset every round.'),
  weightDecay: z.number().min(0).default(0).describe('Weight decay: L2 added to the gradient (SGD, Adam), decoupled (AdamW).'),
  optimizer: optimizerConfigSchema
    .optional()
    .describe("Local optimiser, fresh every client-round: {name: 'sgd'} (default), 'adam' or 'adamw' (PyTorch semantics)."),
  lrSchedule: lrScheduleSchema
    .optional()
    .describe("Per-round schedule of lr, the same for every client of a round: 'constant' (default), 'step', 'cosine'."),
});

/** Headline PM masking: on, off, or as the strategy's reference code reports it. */
export type PmMasking = boolean | 'reference';

/** Each simulation setting's schema (check, default and description), for configs that arrange them differently. */
export const SIMULATION_SETTINGS = {
  rounds: z.int().min(1).default(SIMULATION_DEFAULTS.rounds).describe('Communication rounds.'),
  clientsPerRound: z.int().min(1).optional().describe('Clients sampled per round (exclusive with fraction).'),
  fraction: z
    .number()
    .gt(0)
    .max(1)
    .optional()
    .describe('Fraction of clients sampled per round: max(floor(fraction·N), 1) (exclusive with perRound).'),
  evalEvery: z
    .int()
    .min(1)
    .default(SIMULATION_DEFAULTS.evalEvery)
    .describe('Evaluate every k rounds (the last round is always evaluated).'),
  pmMasking: z
    .union([z.literal('reference'), z.boolean()])
    .default(SIMULATION_DEFAULTS.pmMasking)
    .describe(
      "Whether the headline PM masks classes absent from a client's local test set: 'reference' follows each strategy's reference code (FedLoGe masked, the FedAvg family and the other baselines unmasked); true/false force it. Both PMs are always recorded.",
    ),
  evalBatchSize: z.int().min(1).default(SIMULATION_DEFAULTS.evalBatchSize).describe('Evaluation batch size.'),
  warnUnpredictedAfter: z
    .int()
    .min(0)
    .default(SIMULATION_DEFAULTS.warnUnpredictedAfter)
    .describe(
      'Warn once per GM variant and head/middle/tail class group when the variant predicts no test image as any class of the group in this many consecutive evaluations; 0 turns the check off.',
    ),
  augment: z.boolean().default(SIMULATION_DEFAULTS.augment).describe('Train-time augmentation of client batches.'),
  seed: z.int().min(0).max(0xffffffff).default(SIMULATION_DEFAULTS.seed).describe('Root seed; every random stream derives from it.'),
  train: trainConfigSchema.prefault({}),
};

/** The simulation settings as `Simulation` takes them. */
export const simulationConfigSchema = z.strictObject(SIMULATION_SETTINGS);

/** The round-loop settings of a simulation, as given (every field with a default may be left out). */
export type SimulationConfig = z.input<typeof simulationConfigSchema>;

/** Whether `strategy`'s headline PM is masked under `setting`. */
export function headlinePmMasked(setting: PmMasking, strategy: { readonly referencePmMasking?: boolean }): boolean {
  return setting === 'reference' ? (strategy.referencePmMasking ?? false) : setting;
}

/** `SimulationConfig` with every default filled in and `clientsPerRound` resolved. */
export interface ResolvedSimulationConfig {
  readonly rounds: number;
  readonly clientsPerRound: number;
  readonly evalEvery: number;
  readonly pmMasking: PmMasking;
  readonly evalBatchSize: number;
  readonly warnUnpredictedAfter: number;
  readonly augment: boolean;
  readonly seed: number;
  readonly train: TrainConfig;
}

/**
 * Why `clientsPerRound` / `fraction` cannot work with `numClients` clients, and which of the two
 * fields is at fault; undefined when they can.
 */
export function clientsPerRoundProblem(
  config: Pick<SimulationConfig, 'clientsPerRound' | 'fraction'>,
  numClients: number,
): { readonly field: 'clientsPerRound' | 'fraction'; readonly message: string } | undefined {
  const { clientsPerRound, fraction } = config;
  if (clientsPerRound !== undefined && fraction !== undefined) {
    return { field: 'fraction', message: `${fraction} set together with ${clientsPerRound} clients per round; give only one of them` };
  }
  if (fraction !== undefined && !(fraction > 0 && fraction <= 1)) {
    return { field: 'fraction', message: `Expected a number in (0, 1] for fraction but received ${fraction}` };
  }
  const m = clientsPerRound ?? Math.min(SIMULATION_DEFAULTS.clientsPerRound, numClients);
  if (fraction === undefined && (!Number.isInteger(m) || m < 1 || m > numClients)) {
    return {
      field: 'clientsPerRound',
      message: `Expected an integer in [1, ${numClients}] (the number of clients) but received ${m}; a round cannot sample more clients than exist`,
    };
  }
  return undefined;
}

/** Number of clients per round for `numClients` clients (FedLoGe: m = max(int(frac·N), 1); else min(5, N)). */
export function clientsPerRoundFor(config: Pick<SimulationConfig, 'clientsPerRound' | 'fraction'>, numClients: number): number {
  const problem = clientsPerRoundProblem(config, numClients);
  if (problem !== undefined) throw new RangeError(`${problem.field}: ${problem.message}`);
  if (config.fraction !== undefined) return Math.max(Math.floor(config.fraction * numClients), 1);
  return config.clientsPerRound ?? Math.min(SIMULATION_DEFAULTS.clientsPerRound, numClients);
}

/** Fill in defaults and check every field with the schema; errors name each bad field, the problem and the value. */
export function resolveSimulationConfig(config: SimulationConfig, numClients: number): ResolvedSimulationConfig {
  const parsed = simulationConfigSchema.safeParse(config);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const field = issue.path.join('.') || '(config)';
      const received = issue.path.reduce<unknown>((at, key) => (at as Record<PropertyKey, unknown> | undefined)?.[key], config);
      return `  ${field}: ${issue.message} (received ${JSON.stringify(received)})`;
    });
    throw new RangeError(`Invalid simulation config:\n${lines.join('\n')}`);
  }
  const { fraction: _resolvedBelow, ...settings } = parsed.data;
  return {
    ...settings,
    train: resolveTrainSchedule(settings.train, settings.rounds),
    clientsPerRound: clientsPerRoundFor(parsed.data, numClients),
  };
}

/**
 * `train` as clients run it in a `rounds`-round run: a cosine schedule without periodRounds runs to the
 * last round (T_max = rounds − warm-up, at least 1). Whatever builds a client runtime for a run applies it.
 */
export function resolveTrainSchedule(train: TrainConfig, rounds: number): TrainConfig {
  const schedule = train.lrSchedule;
  if (schedule?.name !== 'cosine' || schedule.periodRounds !== undefined) return train;
  return { ...train, lrSchedule: { ...schedule, periodRounds: Math.max(rounds - (schedule.warmupRounds ?? 0), 1) } };
}
