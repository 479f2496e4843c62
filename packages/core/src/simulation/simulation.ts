/**
 * The round loop, written once for every strategy (Flower's `Strategy.start`, docs/fedloge.md#server-round):
 *
 *   global ← strategy.initialize
 *   for round = 1..R:
 *     sample m clients (uniform, without replacement, from the round's own stream)
 *     train them through the executor, each from `payloadFor(round, global, k)` and its stored state
 *     store their new states; drop updates holding NaN/Infinity (with a warning)
 *     global ← strategy.aggregateTrain(round, global, results)
 *     every `evalEvery` rounds and after the last: GM + PM evaluation of `global`
 *
 * Strategies only supply hooks; errors thrown inside them come back as `StrategyError`s naming
 * the strategy, hook, round and client.
 */
import type { Aggregator } from '../aggregator.js';
import type { ArrayRecord } from '../arrays.js';
import type { FederatedData } from '../dataset.js';
import { consoleLogger, type Logger } from '../logger.js';
import { Rng } from '../random.js';
import type { ModelBuilder, ServerContext, Strategy } from '../strategy.js';
import { buildClientData, InlineExecutor, type ClientExecutor, type ClientTask, type ClientTaskResult } from './client-runtime.js';
import { sampleClients } from './client-sampling.js';
import { ClientStateStore } from './client-state-store.js';
import { Evaluator, type Evaluation } from './evaluator.js';
import { scanRecord } from './finite.js';
import { BLOWN_UP_FACTOR, GlobalModelError, blownUpGlobalMessage, describeAggregator, nonFiniteGlobalMessage } from './global-health.js';
import type { BestRound, ClientRoundInfo, EvaluatedRoundRecord, RoundRecord, RunResult } from './records.js';
import type { Reporter } from './reporter.js';
import { headlinePmMasked, resolveSimulationConfig, type ResolvedSimulationConfig, type SimulationConfig } from './simulation-config.js';
import { callHook } from './strategy-error.js';
import { RUN_STREAMS } from './streams.js';
import { UnpredictedGroupWatch } from './unpredicted-groups.js';

/** Where a run stands after a round: enough to resume it exactly. */
export interface SimulationCheckpoint {
  /** The last completed round. */
  readonly round: number;
  readonly global: ArrayRecord;
  /** `ClientStateStore.exportState()`. */
  readonly clientStates: ArrayRecord;
  /** `Aggregator.stateDict()` (e.g. FedAdam's moments), when the aggregator keeps state. */
  readonly aggregatorState?: ArrayRecord;
  /**
   * The records of the rounds up to `round`, when the caller kept them (the CLI's checkpoints do),
   * so run-long checks (the unpredicted class-group warning) continue across the interruption
   * instead of starting over. Not part of the checkpoint file's simulation state.
   */
  readonly history?: readonly RoundRecord[];
}

export interface SimulationOptions {
  readonly strategy: Strategy;
  readonly data: FederatedData;
  readonly models: ModelBuilder;
  readonly config: SimulationConfig;
  /**
   * Trains the sampled clients. @default an `InlineExecutor` over `strategy` (main thread). An
   * executor passed in is not disposed by the simulation.
   */
  readonly executor?: ClientExecutor;
  readonly reporters?: readonly Reporter[];
  /** @default consoleLogger */
  readonly logger?: Logger;
  /**
   * The aggregator the strategy was built with (`buildClientRuntime` returns it). Only needed to
   * checkpoint and restore server-side aggregator state.
   */
  readonly aggregator?: Aggregator;
  /**
   * Continue from a checkpoint: rounds `resume.round + 1 .. config.rounds` run, with the same
   * sampling, training and evaluation draws as the uninterrupted run. The result's records cover
   * only the rounds run by this simulation.
   */
  readonly resume?: SimulationCheckpoint;
  /**
   * Stop at the next safe point: once aborted, the run ends after the round in progress (its
   * `onRoundEnd` reporters included, so a checkpoint can be written) by throwing
   * `SimulationInterrupted`.
   */
  readonly signal?: AbortSignal;
}

/** `run()` stopped early because `SimulationOptions.signal` was aborted. */
export class SimulationInterrupted extends Error {
  override readonly name = 'SimulationInterrupted';
  constructor(
    /** The last completed round. */
    readonly round: number,
    /** The rounds run by this simulation; undefined when none of them was evaluated. */
    readonly partial: RunResult | undefined,
  ) {
    super(`The run was interrupted after round ${round}`);
  }
}

export class Simulation {
  readonly config: ResolvedSimulationConfig;
  /** Persistent per-client state (`ClientUpdate.state`), e.g. for checkpoints. */
  readonly clientStates = new ClientStateStore();
  private readonly strategy: Strategy;
  private readonly reporters: readonly Reporter[];
  private readonly logger: Logger;
  private readonly executor: ClientExecutor;
  private readonly ownsExecutor: boolean;
  private readonly evaluator: Evaluator;
  private readonly unpredicted: UnpredictedGroupWatch;
  /** The server facts; `rng` is replaced per call by `serverContext(stage, round)`. */
  private readonly serverFacts: ServerContext;
  private readonly root: Rng;
  private readonly aggregator: Aggregator | undefined;
  private readonly signal: AbortSignal | undefined;
  private readonly firstRound: number;
  private globalArrays: ArrayRecord | undefined;
  /** The largest |value| of `globalArrays`, from the scan that checked it (undefined until a first scan). */
  private previousLargest: number | undefined;
  private lastRound = 0;
  private started = false;

  constructor(options: SimulationOptions) {
    const { data } = options;
    const numClients = data.partition.trainIndices.length;
    if (numClients === 0) throw new RangeError('The partition has no clients; expected at least one');
    this.config = resolveSimulationConfig(options.config, numClients);
    this.strategy = options.strategy;
    this.reporters = options.reporters ?? [];
    this.logger = options.logger ?? consoleLogger;
    this.root = new Rng(this.config.seed);

    const clients = buildClientData(data, this.config.augment);
    this.executor =
      options.executor ??
      new InlineExecutor({
        strategy: this.strategy,
        data,
        models: options.models,
        train: this.config.train,
        seed: this.config.seed,
        augment: this.config.augment,
        logger: this.logger,
      });
    this.ownsExecutor = options.executor === undefined;
    this.evaluator = new Evaluator({
      strategy: this.strategy,
      data,
      clients,
      batchSize: this.config.evalBatchSize,
      pmMasking: headlinePmMasked(this.config.pmMasking, this.strategy),
      seed: this.config.seed,
    });
    this.unpredicted = new UnpredictedGroupWatch({
      after: this.config.warnUnpredictedAfter,
      split: this.evaluator.gmSplit,
      testImages: this.evaluator.testImages,
      classNames: data.dataset.classNames,
      labels: this.strategy.variantLabels?.() ?? {},
    });
    this.serverFacts = {
      numClients,
      numClasses: data.dataset.numClasses,
      clientClassCounts: clients.map((c) => c.classCounts),
      clientSizes: clients.map((c) => c.numSamples),
      models: options.models,
      rng: RUN_STREAMS.serverCall(this.root, 'initialize', 0),
      train: this.config.train,
      logger: this.logger,
    };

    this.aggregator = options.aggregator;
    this.signal = options.signal;
    this.firstRound = 1;
    if (options.resume) {
      const { resume } = options;
      if (!Number.isInteger(resume.round) || resume.round < 1 || resume.round >= this.config.rounds) {
        throw new RangeError(
          `Cannot resume after round ${resume.round}: expected a round in [1, ${this.config.rounds - 1}] (config.rounds is ${this.config.rounds})`,
        );
      }
      if (resume.aggregatorState) {
        if (!this.aggregator?.loadStateDict) {
          throw new Error(
            'The checkpoint holds aggregator state but no aggregator with loadStateDict was given (pass SimulationOptions.aggregator)',
          );
        }
        this.aggregator.loadStateDict(resume.aggregatorState);
      }
      this.globalArrays = resume.global;
      this.clientStates.importState(resume.clientStates);
      this.firstRound = resume.round + 1;
      this.lastRound = resume.round;
      // Replayed silently: warnings raised before the interruption were printed then.
      for (const r of resume.history ?? []) {
        if (r.gmPredicted !== undefined && r.variants !== undefined) {
          this.unpredicted.observe({ round: r.round, gmPredicted: r.gmPredicted, variants: r.variants });
        }
      }
    }
  }

  /** Server facts with the strategy's stream for one call. */
  private serverContext(stage: 'initialize' | 'aggregate' | 'evaluate', round: number): ServerContext {
    return { ...this.serverFacts, rng: RUN_STREAMS.serverCall(this.root, stage, round) };
  }

  /** The state after the last completed round, for a checkpoint file (arrays are shared, not copied). */
  checkpoint(): SimulationCheckpoint {
    if (this.globalArrays === undefined || this.lastRound === 0) {
      throw new Error('Simulation.checkpoint: no round has completed yet; call it from onRoundEnd or after run()');
    }
    const aggregatorState = this.aggregator?.stateDict?.();
    return {
      round: this.lastRound,
      global: this.globalArrays,
      clientStates: this.clientStates.exportState(),
      ...(aggregatorState ? { aggregatorState } : {}),
    };
  }

  /** The current global arrays (undefined before `run` initialised them). */
  get global(): ArrayRecord | undefined {
    return this.globalArrays;
  }

  /** Run every round and return the records. Call once. */
  async run(): Promise<RunResult> {
    if (this.started) throw new Error('Simulation.run was already called; build a new Simulation for another run');
    this.started = true;
    const started = performance.now();
    const name = this.strategy.name;
    try {
      this.globalArrays ??= await callHook({ strategy: name, hook: 'initialize', round: 0 }, () =>
        this.strategy.initialize(this.serverContext('initialize', 0)),
      );
      const summary = this.strategy.summary?.();
      await this.emit('onRunStart', {
        strategy: name,
        numClients: this.serverFacts.numClients,
        numClasses: this.serverFacts.numClasses,
        config: this.config,
        ...(summary ? { strategySummary: summary } : {}),
        global: this.globalArrays,
      });

      const records: RoundRecord[] = [];
      let lastEvaluation: Evaluation | undefined;
      for (let round = this.firstRound; round <= this.config.rounds; round++) {
        const { record, evaluation } = await this.runRound(round);
        if (evaluation) lastEvaluation = evaluation;
        records.push(record);
        this.lastRound = round;
        // Rounds run synchronously on the main thread (inline executor): one turn of the event
        // loop lets a pending signal handler abort `signal` before the reporters and the check below.
        if (this.signal) await new Promise((resolve) => setImmediate(resolve));
        await this.emit('onRoundEnd', record, { global: this.globalArrays!, clientStates: this.clientStates });
        if (this.signal?.aborted && round < this.config.rounds) {
          throw new SimulationInterrupted(round, lastEvaluation && this.result(records, lastEvaluation, started));
        }
      }

      const result = this.result(records, lastEvaluation!, started);
      await this.emit('onRunEnd', result);
      return result;
    } finally {
      if (this.ownsExecutor) await this.executor.dispose?.();
    }
  }

  /** The result over `records` (at least one of them evaluated, the last by `lastEvaluation`). */
  private result(records: readonly RoundRecord[], lastEvaluation: Evaluation, started: number): RunResult {
    const evaluated = records.filter((r): r is EvaluatedRoundRecord => r.gm !== undefined);
    return {
      strategy: this.strategy.name,
      rounds: records,
      final: evaluated[evaluated.length - 1]!,
      best: { gm: bestRound(evaluated, 'gm'), pm: bestRound(evaluated, 'pm') },
      // From the records, so rounds before a resume count too.
      roundsWithoutUpdate: records.filter((r) => !r.globalUpdated).map((r) => r.round),
      warnings: this.unpredicted.warnings,
      pmMasked: headlinePmMasked(this.config.pmMasking, this.strategy),
      perClassAccuracy: lastEvaluation.gmPerClass,
      pmPerClient: lastEvaluation.pmPerClient,
      global: this.globalArrays!,
      totalSeconds: (performance.now() - started) / 1000,
    };
  }

  private async runRound(round: number): Promise<{ record: RoundRecord; evaluation: Evaluation | undefined }> {
    const name = this.strategy.name;
    const trainStarted = performance.now();
    let global = this.globalArrays!;
    const sampled = sampleClients(RUN_STREAMS.sampling(this.root, round), this.serverFacts.numClients, this.config.clientsPerRound);
    await this.emit('onRoundStart', round, sampled);

    const tasks: ClientTask[] = [];
    for (const clientId of sampled) {
      const payload = this.strategy.payloadFor
        ? await callHook({ strategy: name, hook: 'payloadFor', round, clientId }, () => this.strategy.payloadFor!(round, global, clientId))
        : undefined;
      tasks.push({ round, clientId, payload: payload ?? global, state: this.clientStates.get(clientId) });
    }
    let done = 0;
    const results = await this.executor.run(tasks, (r) => {
      done++;
      for (const reporter of this.reporters) {
        reporter.onClientTrained?.({
          round,
          clientId: r.clientId,
          done,
          total: tasks.length,
          seconds: r.seconds,
          metrics: r.metrics ?? {},
        });
      }
    });

    // The one scan of each update: a non-finite one is dropped here (aggregators get finite updates only), and the
    // largest |value| of the usable ones bounds the aggregated model in checkAggregated.
    const usable: ClientTaskResult[] = [];
    let usableLargest = 0;
    const clients: ClientRoundInfo[] = results.map((r) => {
      const scan = scanRecord(r.arrays);
      const badKey = scan.nonFiniteKey ?? (r.state ? scanRecord(r.state).nonFiniteKey : undefined);
      if (badKey !== undefined) {
        this.logger.warn(
          `Round ${round}: client ${r.clientId}'s update holds NaN or Infinity (first in '${badKey}'); ` +
            'it is left out of aggregation and its state is not stored. Lower train.lr if this repeats.',
        );
      } else {
        usable.push(r);
        usableLargest = Math.max(usableLargest, scan.largest.value);
        if (r.state) this.clientStates.set(r.clientId, r.state);
      }
      return {
        clientId: r.clientId,
        numSamples: r.numSamples,
        seconds: r.seconds,
        metrics: r.metrics ?? {},
        discarded: badKey !== undefined,
      };
    });

    if (usable.length > 0) {
      global = await callHook({ strategy: name, hook: 'aggregateTrain', round }, () =>
        this.strategy.aggregateTrain(round, global, usable, this.serverContext('aggregate', round)),
      );
      this.checkAggregated(round, global, usableLargest, usable.length);
      this.globalArrays = global;
    } else {
      this.logger.warn(
        `Round ${round}: all ${results.length} client updates were dropped (NaN or Infinity); the global model is kept unchanged. ` +
          `Lower train.lr (now ${this.config.train.lr}) if this repeats.`,
      );
    }
    const trainSeconds = (performance.now() - trainStarted) / 1000;
    const trainMetrics = meanMetrics(clients.filter((c) => !c.discarded));

    const base = { round, trainSeconds, trainLoss: trainMetrics['loss'] ?? null, trainMetrics, clients, globalUpdated: usable.length > 0 };
    if (round % this.config.evalEvery !== 0 && round !== this.config.rounds) {
      return { record: { ...base, evalSeconds: 0 }, evaluation: undefined };
    }
    const evaluation = await this.evaluator.evaluate(round, global, this.serverContext('evaluate', round), this.clientStates);
    await this.emit('onEvaluation', round, evaluation);
    const warnings = this.unpredicted.observe({ round, gmPredicted: evaluation.gmPredicted, variants: evaluation.variants });
    for (const w of warnings) this.logger.warn(w.message);
    const record: EvaluatedRoundRecord = {
      ...base,
      gm: evaluation.gm,
      pm: evaluation.pm,
      pmMasked: evaluation.pmMasked,
      pmUnmasked: evaluation.pmUnmasked,
      variants: evaluation.variants,
      evalSeconds: evaluation.seconds,
      // New fields last, so metrics.jsonl lines of earlier versions stay prefixes of these.
      gmPredicted: evaluation.gmPredicted,
      ...(warnings.length > 0 ? { warnings } : {}),
    };
    return { record, evaluation };
  }

  /**
   * Fails the round when the new global model holds NaN/Infinity, or lies orders of magnitude
   * outside both the previous global model and every (finite) client update it was made from: the
   * server rule is to blame then, not the clients, so the message names the aggregator and its
   * options.
   */
  private checkAggregated(round: number, global: ArrayRecord, usableLargest: number, usable: number): void {
    const aggregator = () => describeAggregator(this.aggregator, this.strategy.name);
    const scan = scanRecord(global);
    if (scan.nonFiniteKey !== undefined)
      throw new GlobalModelError(nonFiniteGlobalMessage(round, scan.nonFiniteKey, aggregator(), usable), round);
    this.previousLargest ??= scanRecord(this.globalArrays!).largest.value;
    const updates = Math.max(this.previousLargest, usableLargest);
    if (scan.largest.value > BLOWN_UP_FACTOR * Math.max(updates, 1e-3)) {
      throw new GlobalModelError(blownUpGlobalMessage(round, aggregator(), scan.largest, updates), round);
    }
    this.previousLargest = scan.largest.value;
  }

  /** Call `hook` on every reporter that has it, in order. */
  private async emit<K extends Exclude<keyof Reporter, 'onClientTrained'>>(
    hook: K,
    ...args: Parameters<NonNullable<Reporter[K]>>
  ): Promise<void> {
    for (const reporter of this.reporters) {
      const fn = reporter[hook] as ((...a: typeof args) => void | Promise<void>) | undefined;
      if (fn) await fn.apply(reporter, args);
    }
  }
}

/** Mean of each finite metric over the clients that reported it. */
function meanMetrics(clients: readonly ClientRoundInfo[]): Record<string, number> {
  const sums = new Map<string, { sum: number; n: number }>();
  for (const c of clients) {
    for (const [key, value] of Object.entries(c.metrics)) {
      if (!Number.isFinite(value)) continue;
      const s = sums.get(key) ?? { sum: 0, n: 0 };
      s.sum += value;
      s.n++;
      sums.set(key, s);
    }
  }
  return Object.fromEntries([...sums].map(([k, s]) => [k, s.sum / s.n]));
}

/** The evaluated round with the highest headline `acc` for `which` (earliest on ties). */
export function bestRound(records: readonly EvaluatedRoundRecord[], which: 'gm' | 'pm'): BestRound {
  let best = records[0]!;
  for (const r of records) if ((r[which].acc ?? -Infinity) > (best[which].acc ?? -Infinity)) best = r;
  return { round: best.round, metrics: best[which] };
}
