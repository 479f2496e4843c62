/**
 * The client side of a federation: one process hosting the logical clients given by `--clients`,
 * each behind its own Fleet node. Messages for any of them end here.
 *
 * - The run to rebuild comes from our server's hello (the ClientRuntimeSpec, as worker threads get
 *   it), with local overrides for the data (`--data-dir`, `--partition`: a site's own folder), or
 *   from a local config (`--config`) when a server that is not ours (a Flower ServerApp) drives us.
 * - Training runs on a worker thread (the worker executor, one task at a time), so the main thread
 *   keeps answering heartbeats while a client trains for minutes. So does evaluation (a Flower
 *   ServerApp's `evaluate` messages): the client's PM on its local test set, from the received
 *   global arrays and, for strategies with a personal predictor (FedLoGe's local head), the
 *   state kept here; the same number the server-side evaluator reports for that client.
 * - Each hosted client's persistent state (local heads, personal parts) is kept here and written
 *   to this process's checkpoint file after each update. Our server holds the authoritative copy
 *   (it sends it with each train message and gets the new one back, for PM evaluation and its own
 *   checkpoint in the in-process format); a Flower server never sees it, and then this copy is
 *   the only one.
 * - A Flower ServerApp's train config ("lr", "local-epochs", FedProx's "proximal-mu", …) and the
 *   run config set the training options of that task, over the run's own
 *   (flower-config-keys.ts, docs/flower-config-keys.md).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ClientStateStore,
  decodeCheckpoint,
  encodeCheckpoint,
  type BackendChoice,
  type ClientEvalTask,
  type ClientExecutor,
  type ClientRuntimeSpec,
  type Logger,
} from '@fedloge/core';
import { writeFileAtomic } from '../output/atomic-write.js';
import { makeFolders } from '../output/output-path.js';
import {
  MessageFormatError,
  evaluateReply,
  helloReply,
  readEvaluateMessage,
  readHello,
  readTrainMessage,
  trainReply,
  type ConfigValue,
  type MessageContent,
  type MessageType,
} from './task-messages.js';
import { trainOverrides } from './flower-config-keys.js';
import type { NodeConfig } from './node-config.js';

/** Builds the executor that trains this process's clients for a run. */
export type ExecutorFactory = (spec: ClientRuntimeSpec, backend: BackendChoice) => Promise<ClientExecutor>;

export interface ClientHostOptions {
  readonly clientIds: readonly number[];
  readonly makeExecutor: ExecutorFactory;
  /** Replace parts of the server's spec with local facts (own data folder, own partition file). */
  readonly localSpec?: (spec: ClientRuntimeSpec) => ClientRuntimeSpec;
  /** The run to use when no hello came (a server that is not ours); from `--config`. */
  readonly fallback?: { readonly spec: ClientRuntimeSpec; readonly backend: BackendChoice; readonly runId: string };
  /** `--backend` given here wins over the server's. */
  readonly backend?: BackendChoice;
  /** Folder of this process's checkpoint (client states); none when undefined. */
  readonly stateDir?: string;
  readonly logger: Logger;
}

export const CLIENT_STATE_FILE = 'client-states.ckpt';

/** What a node knows beside the message, as a Flower ClientApp's `Context` holds it. */
export interface MessageContext {
  /** The run config the link serves for the message's run (GetRun's override_config). */
  readonly runConfig: Readonly<Record<string, ConfigValue>>;
  /** This node's `--node-config`. */
  readonly nodeConfig: NodeConfig;
}

const NO_CONTEXT: MessageContext = { runConfig: {}, nodeConfig: {} };

export class ClientHost {
  private readonly states = new ClientStateStore();
  private runtime:
    | {
        readonly runId: string;
        /** The strategy the run trains with (which config keys apply). */
        readonly strategy: string;
        readonly executor: Promise<ClientExecutor>;
        /** Config keys that set nothing here, already logged for this run. */
        readonly ignoredKeys: Set<string>;
      }
    | undefined;
  /** Tasks run one at a time, in arrival order. */
  private queue: Promise<unknown> = Promise.resolve();
  private lastRound = 0;

  constructor(private readonly options: ClientHostOptions) {
    const file = this.stateFile();
    if (file && existsSync(file)) {
      const { checkpoint } = decodeCheckpoint(readFileSync(file), file);
      this.states.importState(checkpoint.clientStates);
      this.lastRound = checkpoint.round;
      options.logger.info(`client states: ${this.states.clientIds().length} loaded from ${file} (round ${checkpoint.round})`);
    }
  }

  get clientIds(): readonly number[] {
    return this.options.clientIds;
  }

  /** Answer one message for hosted client `clientId`. Throws for a message it cannot serve (sent back as an error reply). */
  async handle(
    clientId: number,
    type: MessageType,
    content: MessageContent,
    context: MessageContext = NO_CONTEXT,
  ): Promise<MessageContent> {
    if (!this.options.clientIds.includes(clientId))
      throw new Error(`client ${clientId} is not hosted here (hosted: ${this.options.clientIds.join(', ')})`);
    if (type === 'query') {
      const hello = readHello(content);
      if (!hello) throw new MessageFormatError('unsupported query (only the fedloge hello is answered)');
      this.useRun(hello.runId, hello.spec, this.options.backend ?? hello.backend);
      await this.runtime!.executor;
      return helloReply(clientId);
    }
    if (type === 'train') return this.train(clientId, content, context);
    if (type === 'evaluate') return this.evaluate(clientId, content);
    throw new MessageFormatError(`message type '${type}' is not served by fedloge clients (train, evaluate and query are)`);
  }

  private async train(clientId: number, content: MessageContent, context: MessageContext): Promise<MessageContent> {
    const request = readTrainMessage(content);
    const executor = await this.executorFor('train', clientId, request);
    const runtime = this.runtime!;
    const { overrides, unknown } = trainOverrides(request.config, context.runConfig, runtime.strategy);
    const unlogged = unknown.filter((k) => !runtime.ignoredKeys.has(k));
    if (unlogged.length) {
      for (const k of unlogged) runtime.ignoredKeys.add(k);
      this.options.logger.info(
        `run ${runtime.runId}: config keys ignored (they set no fedloge option; see docs/flower-config-keys.md): ${unlogged.join(', ')}`,
      );
    }
    const changed = overrides ? { ...overrides.train, ...overrides.strategyOptions } : {};
    this.options.logger.info(
      `client ${clientId}: round ${request.round}: training` +
        (overrides
          ? ` with ${Object.entries(changed)
              .map(([k, v]) => `${k}=${String(v)}`)
              .join(', ')} from the server's config`
          : ''),
    );
    const state = request.state ?? this.states.get(clientId);
    const task = { round: request.round, clientId, payload: request.payload, state, ...(overrides ? { overrides } : {}) };
    const run = this.queue.then(() => executor.run([task]));
    this.queue = run.catch(() => undefined);
    const [result] = await run;
    if (result!.state) this.states.set(clientId, result!.state);
    this.lastRound = Math.max(this.lastRound, request.round);
    this.saveStates();
    this.options.logger.info(`client ${clientId}: round ${request.round}: trained in ${result!.seconds.toFixed(1)} s, replying`);
    return trainReply(result!, request.returnState);
  }

  /** Evaluate the received model as the client's PM on its local test set (see the file comment). */
  private async evaluate(clientId: number, content: MessageContent): Promise<MessageContent> {
    const request = readEvaluateMessage(content);
    const executor = await this.executorFor('evaluate', clientId, request);
    if (!executor.evaluate) throw new Error('this client executor cannot evaluate (it implements only training)');
    const task: ClientEvalTask = { round: request.round, clientId, global: request.global, state: this.states.get(clientId) };
    this.options.logger.info(`client ${clientId}: round ${request.round}: evaluating`);
    const run = this.queue.then(() => executor.evaluate!(task));
    this.queue = run.catch(() => undefined);
    const result = await run;
    const reply = evaluateReply(result);
    this.options.logger.info(
      `client ${clientId}: round ${request.round}: PM (${result.variant}${result.masked ? ', masked' : ''}) ` +
        `acc ${String(result.accuracy.acc)}, loss ${String(result.loss)} on ${result.numExamples} local test images, replying`,
    );
    return reply;
  }

  /** The run's executor for a message: the one our server's hello set up, else the `--config` run. */
  private async executorFor(
    type: 'train' | 'evaluate',
    clientId: number,
    request: { readonly clientId: number | undefined; readonly runId: string | undefined },
  ): Promise<ClientExecutor> {
    if (request.clientId !== undefined && request.clientId !== clientId) {
      throw new MessageFormatError(`the ${type} message names client ${request.clientId} but reached the node of client ${clientId}`);
    }
    if (!this.runtime || (request.runId !== undefined && request.runId !== this.runtime.runId)) {
      const { fallback } = this.options;
      if (request.runId === undefined && fallback) this.useRun(fallback.runId, fallback.spec, this.options.backend ?? fallback.backend);
      else
        throw new Error(
          'this client has not been told the run (no hello from a fedloge server); start it with --config run.yaml to join another server',
        );
    }
    return this.runtime!.executor;
  }

  private useRun(runId: string, spec: ClientRuntimeSpec, backend: BackendChoice): void {
    if (this.runtime?.runId === runId) return;
    const previous = this.runtime;
    const local = this.options.localSpec ? this.options.localSpec(spec) : spec;
    this.options.logger.info(
      `run ${runId}: ${spec.strategy.name} on ${String(spec.dataset['name'])}, ${spec.partition.trainIndices.length} clients`,
    );
    this.runtime = {
      runId,
      strategy: spec.strategy.name,
      ignoredKeys: new Set(),
      executor: (previous ? previous.executor.then((e) => e.dispose?.()) : Promise.resolve()).then(() =>
        this.options.makeExecutor(local, backend),
      ),
    };
  }

  private stateFile(): string | undefined {
    return this.options.stateDir === undefined ? undefined : join(this.options.stateDir, CLIENT_STATE_FILE);
  }

  private saveStates(): void {
    const file = this.stateFile();
    if (!file) return;
    makeFolders(this.options.stateDir!);
    const meta = { clients: this.options.clientIds, runId: this.runtime?.runId ?? null };
    writeFileAtomic(
      file,
      encodeCheckpoint({ round: Math.max(1, this.lastRound), global: {}, clientStates: this.states.exportState() }, meta),
    );
  }

  async dispose(): Promise<void> {
    const runtime = this.runtime;
    this.runtime = undefined;
    if (runtime) await (await runtime.executor.catch(() => undefined))?.dispose?.();
  }
}
