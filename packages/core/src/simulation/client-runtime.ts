/**
 * Client execution: what trains the sampled clients of a round, inline or elsewhere.
 *
 * ## Executor contract (for the worker-thread executor and any other)
 * A `ClientExecutor` receives plain-data `ClientTask`s and returns one `ClientTaskResult` per task,
 * in task order. To train a task it must do exactly what `runClientTask` does with a
 * `ClientRuntime` rebuilt from the run's `ClientRuntimeSpec`:
 * 1. register the same plugins (core + built-in strategies and datasets + `spec.pluginModules` through
 *    `loadPluginModules(container, spec.pluginModules, spec.pluginBaseDir)`);
 * 2. load the data set with `loadDatasetPlugin(container, spec.dataset, { download: false, logger })` and pair
 *    it with `spec.partition`;
 * 3. `buildClientRuntime(container, spec, data, logger)`, then `runClientTask(runtime, clients[id], task)`.
 * Randomness comes only from `RUN_STREAMS.clientTrain(new Rng(spec.seed), round, clientId)`, so the
 * result does not depend on which worker ran a task or in which order. Everything in tasks and
 * results is structured-clone safe (typed arrays, numbers, plain objects); no tensor crosses.
 *
 * An executor that hosts clients for a server that asks them to evaluate (a Flower ServerApp's
 * `evaluate` messages) also implements `evaluate`: `evaluateClientTask(runtime, clients, task)`
 * (client-evaluation.ts) with the same rebuilt runtime.
 */
import type { DependencyContainer } from 'tsyringe';
import type { ArrayRecord } from '../arrays.js';
import type { FederatedData, PartitionFile } from '../dataset.js';
import type { Logger } from '../logger.js';
import { createAggregator, createStrategy, type DatasetRef } from '../plugins/registry.js';
import { Rng } from '../random.js';
import type { Aggregator } from '../aggregator.js';
import type { ClientResult, ModelBuilder, Strategy, TrainConfig } from '../strategy.js';
import { evaluateClientTask, type ClientEvalResult, type ClientEvalTask } from './client-evaluation.js';
import { FederatedClientData } from './federated-client-data.js';
import { PluginModelBuilder, type ModelSpec, type PluginRef } from './plugin-model-builder.js';
import { callHook } from './strategy-error.js';
import { RUN_STREAMS } from './streams.js';
import { lrAtRound } from '../train/lr-schedule.js';

/** One client's work in one round. */
export interface ClientTask {
  readonly round: number;
  readonly clientId: number;
  /** What the server sent (`Strategy.payloadFor`, by default the global arrays). */
  readonly payload: ArrayRecord;
  /** The client's persistent state, undefined before its first update. */
  readonly state: ArrayRecord | undefined;
  /**
   * Settings of this task only, over the run's (a Flower ServerApp's train config, e.g. "lr");
   * undefined: the run's settings.
   */
  readonly overrides?: TaskOverrides;
}

/** Per-task replacements of run settings; every field is optional and replaces the run's value. */
export interface TaskOverrides {
  /** Replaces fields of the run's `TrainConfig`. */
  readonly train?: Partial<TrainConfig>;
  /**
   * Replaces options of the run's strategy (e.g. FedProx's `mu`); the strategy is rebuilt with
   * the merged options, validated by its plugin's schema.
   */
  readonly strategyOptions?: Readonly<Record<string, unknown>>;
}

/** A client's update, with the wall time its training took. */
export interface ClientTaskResult extends ClientResult {
  readonly seconds: number;
}

export interface ClientExecutor {
  /**
   * Train every task and resolve with the results in task order. `onResult` is called as each
   * task finishes (in completion order), for progress reporting. A failed task rejects the whole
   * call with the task's `StrategyError`.
   */
  run(tasks: readonly ClientTask[], onResult?: (result: ClientTaskResult) => void): Promise<ClientTaskResult[]>;
  /**
   * Evaluate the received model on one client's local test set (its PM, as the server-side
   * evaluator scores it). Missing: this executor's clients are not asked to evaluate.
   */
  evaluate?(task: ClientEvalTask): Promise<ClientEvalResult>;
  /**
   * Release threads or other resources. `outcome.runCompleted`: the run trained its last round (not
   * interrupted, not failed), e.g. so a network executor can tell remote clients the run is over.
   */
  dispose?(outcome?: { readonly runCompleted: boolean }): void | Promise<void>;
}

/** Everything needed to rebuild the client side of a run from plain data (e.g. in a worker). */
export interface ClientRuntimeSpec {
  readonly strategy: PluginRef;
  readonly aggregator: PluginRef;
  readonly model: ModelSpec;
  /** Plugin modules to import, as in config (`plugins: [...]`). */
  readonly pluginModules: readonly string[];
  /** Folder relative plugin paths resolve against (the config file's folder). */
  readonly pluginBaseDir: string;
  /** The dataset plugin and its options; a worker loads it with `loadDatasetPlugin(container, dataset, { download: false, … })`. */
  readonly dataset: DatasetRef;
  readonly partition: PartitionFile;
  readonly train: TrainConfig;
  readonly seed: number;
  /** Train-time augmentation on or off for the whole run. */
  readonly augment: boolean;
  /**
   * Backend threads of every thread that trains clients (worker threads, network clients), fixed by the run: the
   * native kernels' float sums depend on the thread count, so this is what keeps a seed's numbers the same wherever
   * clients train. Absent (older senders): 1.
   */
  readonly threads?: number;
}

/** The live objects that train clients. */
export interface ClientRuntime {
  readonly strategy: Strategy;
  readonly data: FederatedData;
  readonly models: ModelBuilder;
  readonly train: TrainConfig;
  readonly seed: number;
  readonly augment: boolean;
  readonly logger: Logger;
  /**
   * The run's strategy rebuilt with some options replaced (for `TaskOverrides.strategyOptions`);
   * missing: this runtime cannot rebuild it, and tasks with strategy overrides fail.
   */
  readonly strategyWith?: (overrides: Readonly<Record<string, unknown>>) => Strategy;
}

/**
 * Build strategy, aggregator and model builder from registered plugins, as named in `spec`. The
 * main thread uses the same function, so its strategy instance is built exactly as a worker's.
 */
export function buildClientRuntime(
  container: DependencyContainer,
  spec: Pick<ClientRuntimeSpec, 'strategy' | 'aggregator' | 'model' | 'train' | 'seed' | 'augment'>,
  data: FederatedData,
  logger: Logger,
): ClientRuntime & { readonly aggregator: Aggregator } {
  const aggregator = createAggregator(container, spec.aggregator.name, spec.aggregator.options, logger);
  const strategy = createStrategy(container, spec.strategy.name, spec.strategy.options, aggregator, logger);
  const models = new PluginModelBuilder(container, spec.model, data.dataset.imageShape, data.dataset.numClasses);
  // One rebuilt strategy per distinct set of overrides (a Flower server sends the same config every round).
  const rebuilt = new Map<string, Strategy>();
  const strategyWith = (overrides: Readonly<Record<string, unknown>>): Strategy => {
    const options = { ...(spec.strategy.options as Record<string, unknown> | undefined), ...overrides };
    const key = JSON.stringify(options);
    let built = rebuilt.get(key);
    if (!built) rebuilt.set(key, (built = createStrategy(container, spec.strategy.name, options, aggregator, logger)));
    return built;
  };
  return { strategy, aggregator, data, models, train: spec.train, seed: spec.seed, augment: spec.augment, logger, strategyWith };
}

/** `buildClientData`'s results per data set and augmentation setting. */
const builtClientData = new WeakMap<FederatedData, Map<boolean, readonly FederatedClientData[]>>();

/**
 * One `FederatedClientData` per client of the partition, index = client id. Built once per data set and
 * augmentation setting and shared (they hold no mutable state): the simulation's evaluator and server facts and
 * the inline executor train and score the same clients.
 */
export function buildClientData(data: FederatedData, augment: boolean): readonly FederatedClientData[] {
  if (data.partition.numClasses !== data.dataset.numClasses) {
    throw new RangeError(
      `The partition is for ${data.partition.numClasses} classes ('${data.partition.dataset}') but the data set '${data.dataset.name}' has ${data.dataset.numClasses}`,
    );
  }
  let byAugment = builtClientData.get(data);
  if (byAugment === undefined) builtClientData.set(data, (byAugment = new Map()));
  let clients = byAugment.get(augment);
  if (clients === undefined) {
    clients = data.partition.trainIndices.map((indices, k) => new FederatedClientData(data.dataset, k, indices, { augment }));
    byAugment.set(augment, clients);
  }
  return clients;
}

/** Train one task with `runtime.strategy.trainClient`; errors come back tagged with strategy, round and client. */
export async function runClientTask(runtime: ClientRuntime, client: FederatedClientData, task: ClientTask): Promise<ClientTaskResult> {
  const started = performance.now();
  const strategy = strategyFor(runtime, task);
  const site = { strategy: strategy.name, hook: 'trainClient', round: task.round, clientId: task.clientId };
  const update = await callHook(site, () =>
    strategy.trainClient({
      round: task.round,
      clientId: task.clientId,
      payload: task.payload,
      state: task.state,
      data: client,
      train: roundTrain(task.overrides?.train ? { ...runtime.train, ...task.overrides.train } : runtime.train, task.round),
      numClasses: runtime.data.dataset.numClasses,
      rng: RUN_STREAMS.clientTrain(new Rng(runtime.seed), task.round, task.clientId),
      models: runtime.models,
      logger: runtime.logger,
    }),
  );
  if (!update || typeof update.arrays !== 'object' || !(update.numSamples > 0)) {
    throw new Error(
      `Strategy '${strategy.name}' returned an invalid update from trainClient (round ${task.round}, client ${task.clientId}): ` +
        'expected { arrays: ArrayRecord, numSamples > 0, state?, metrics? }',
    );
  }
  return { ...update, clientId: task.clientId, seconds: (performance.now() - started) / 1000 };
}

/** `train` with the lr of `round` under its schedule (the same object when there is no schedule, so lr stays bit for bit). */
function roundTrain(train: TrainConfig, round: number): TrainConfig {
  const lr = lrAtRound(train.lr, train.lrSchedule, round);
  return lr === train.lr ? train : { ...train, lr };
}

/** The runtime's strategy, or the one rebuilt with the task's option overrides. */
function strategyFor(runtime: ClientRuntime, task: ClientTask): Strategy {
  const overrides = task.overrides?.strategyOptions;
  if (!overrides || Object.keys(overrides).length === 0) return runtime.strategy;
  if (!runtime.strategyWith) {
    throw new Error(
      `Round ${task.round}, client ${task.clientId}: the task replaces strategy options (${Object.keys(overrides).join(', ')}) ` +
        'but this runtime cannot rebuild its strategy; build it with buildClientRuntime',
    );
  }
  return runtime.strategyWith(overrides);
}

/** Trains the tasks one after another on the calling thread. */
export class InlineExecutor implements ClientExecutor {
  private readonly clients: readonly FederatedClientData[];

  constructor(private readonly runtime: ClientRuntime) {
    this.clients = buildClientData(runtime.data, runtime.augment);
  }

  async run(tasks: readonly ClientTask[], onResult?: (result: ClientTaskResult) => void): Promise<ClientTaskResult[]> {
    const results: ClientTaskResult[] = [];
    for (const task of tasks) {
      const client = this.clients[task.clientId];
      if (!client) throw new RangeError(`Client ${task.clientId} does not exist (the partition has ${this.clients.length} clients)`);
      const result = await runClientTask(this.runtime, client, task);
      onResult?.(result);
      results.push(result);
      // Training is synchronous: let the event loop run between clients, so that signal handlers
      // and timers (e.g. a second Ctrl-C) are not held up for a whole round.
      await new Promise((resolve) => setImmediate(resolve));
    }
    return results;
  }

  evaluate(task: ClientEvalTask): Promise<ClientEvalResult> {
    return evaluateClientTask(this.runtime, this.clients, task);
  }
}
