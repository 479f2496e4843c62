/** The round-loop settings of a simulation, their defaults and their validation. */
import type { TrainConfig } from '../strategy.js';

export interface SimulationConfig {
  /** Communication rounds R, numbered 1..R. */
  readonly rounds: number;
  /** Clients sampled per round. Exclusive with `fraction`. @default min(5, N) when neither is set */
  readonly clientsPerRound?: number;
  /** Fraction of clients per round: m = max(floor(fraction·N), 1), as the reference code. */
  readonly fraction?: number;
  /** Evaluate after every k-th round; the last round is always evaluated. @default 1 */
  readonly evalEvery?: number;
  /**
   * Whether the headline PM masks the classes absent from a client's local test set (FedLoGe's
   * `localtest`, p_mode 1): `'reference'` follows each strategy's reference code
   * (`Strategy.referencePmMasking`: FedLoGe masked, the FedAvg family unmasked). Both variants
   * are always reported. @default 'reference'
   */
  readonly pmMasking?: PmMasking;
  /** Images per forward pass during evaluation. @default 256 */
  readonly evalBatchSize?: number;
  /**
   * Warn once per GM variant and head/middle/tail group when the variant predicts no test image as
   * any class of the group in this many consecutive evaluations; 0 turns the check off. @default 10
   */
  readonly warnUnpredictedAfter?: number;
  /** Train-time augmentation of client batches. @default true */
  readonly augment?: boolean;
  /** Root seed of every random stream. */
  readonly seed: number;
  readonly train: TrainConfig;
}

/** Headline PM masking: on, off, or as the strategy's reference code reports it. */
export type PmMasking = boolean | 'reference';

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

export const SIMULATION_DEFAULTS = {
  evalEvery: 1,
  pmMasking: 'reference',
  evalBatchSize: 256,
  // Ten evaluations: long enough that the first rounds of a run from scratch (which often predict
  // one class) do not warn, short enough to flag the 100-round CIFAR-10-LT case of issue 18 early.
  warnUnpredictedAfter: 10,
  augment: true,
  clientsPerRound: 5,
} as const;

/** Number of clients per round for `numClients` clients (FedLoGe: m = max(int(frac·N), 1)). */
export function clientsPerRoundFor(config: Pick<SimulationConfig, 'clientsPerRound' | 'fraction'>, numClients: number): number {
  if (config.clientsPerRound !== undefined && config.fraction !== undefined) {
    throw new RangeError(
      `Expected either clientsPerRound or fraction but received both (clientsPerRound: ${config.clientsPerRound}, fraction: ${config.fraction}); remove one`,
    );
  }
  if (config.fraction !== undefined) {
    if (!(config.fraction > 0 && config.fraction <= 1)) {
      throw new RangeError(`Expected a number in (0, 1] for fraction but received ${config.fraction}`);
    }
    return Math.max(Math.floor(config.fraction * numClients), 1);
  }
  const m = config.clientsPerRound ?? Math.min(SIMULATION_DEFAULTS.clientsPerRound, numClients);
  if (!Number.isInteger(m) || m < 1 || m > numClients) {
    throw new RangeError(`Expected an integer in [1, ${numClients}] (the number of clients) for clientsPerRound but received ${m}`);
  }
  return m;
}

/** Fill in defaults and check every field; errors name the field, the value and the allowed range. */
export function resolveSimulationConfig(config: SimulationConfig, numClients: number): ResolvedSimulationConfig {
  const positiveInt = (name: string, v: number): number => {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`Expected an integer >= 1 for ${name} but received ${v}`);
    return v;
  };
  const nonNegativeInt = (name: string, v: number): number => {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`Expected an integer >= 0 for ${name} but received ${v}`);
    return v;
  };
  const { train } = config;
  positiveInt('rounds', config.rounds);
  positiveInt('train.localEpochs', train.localEpochs);
  positiveInt('train.batchSize', train.batchSize);
  if (!(train.lr > 0) || !Number.isFinite(train.lr))
    throw new RangeError(`Expected a finite number > 0 for train.lr but received ${train.lr}`);
  if (!(train.momentum >= 0 && train.momentum < 1))
    throw new RangeError(`Expected train.momentum in [0, 1) but received ${train.momentum}`);
  if (!(train.weightDecay >= 0)) throw new RangeError(`Expected train.weightDecay >= 0 but received ${train.weightDecay}`);
  if (!Number.isInteger(config.seed)) throw new TypeError(`Expected an integer seed but received ${config.seed}`);
  return {
    rounds: config.rounds,
    clientsPerRound: clientsPerRoundFor(config, numClients),
    evalEvery: positiveInt('evalEvery', config.evalEvery ?? SIMULATION_DEFAULTS.evalEvery),
    pmMasking: config.pmMasking ?? SIMULATION_DEFAULTS.pmMasking,
    evalBatchSize: positiveInt('evalBatchSize', config.evalBatchSize ?? SIMULATION_DEFAULTS.evalBatchSize),
    warnUnpredictedAfter: nonNegativeInt('warnUnpredictedAfter', config.warnUnpredictedAfter ?? SIMULATION_DEFAULTS.warnUnpredictedAfter),
    augment: config.augment ?? SIMULATION_DEFAULTS.augment,
    seed: config.seed,
    train,
  };
}
