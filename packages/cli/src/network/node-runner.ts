/**
 * One Fleet node for one hosted client: connect (register, activate, heartbeats: the wire layer),
 * then pull instructions, answer them through the client host and push the replies. A node that
 * loses the server keeps retrying with backoff (the wire layer's calls, and this loop's polling),
 * so a link that goes down and comes back, or a server restarted with --resume, finds its nodes again.
 *
 * The node's work ends (`done`) when the link says the run it served is finished (GetRun's status;
 * a Flower SuperLink refuses GetRun of a finished run with "Run is finished."), or, as an error, when
 * the link has not answered for `patienceMs`.
 */
import {
  createReply,
  ErrorCode,
  FleetCallError,
  FleetClient,
  GrpcStatus,
  tlsHandshakeProblem,
  type FleetClientOptions,
  type FleetMessage,
} from '@fedloge/fleet';
import type { Logger } from '@fedloge/core';
import type { ClientHost, MessageContext } from './client-host.js';
import { fromRecordDict, toRecordDict } from './fleet-records.js';
import type { NodeConfig } from './node-config.js';
import { SERVED_MESSAGE_TYPES, type ConfigValue, type MessageType } from './task-messages.js';

// Idle polling backs off to 500 ms: a round's message waits at most that long (Flower's SuperNode polls every few seconds).
const IDLE_POLL_MS = { first: 50, max: 500 };
const FAILED_POLL_MS = { first: 500, max: 5_000 };
/** How often an idle node asks whether its run is over. */
const RUN_STATUS_EVERY_MS = 1_000;

/** How a node's work ended. */
export interface NodeDone {
  readonly runId: bigint;
  /** Flower's sub-status of the finished run: "completed", "failed", "stopped" (or '' when the link says no more). */
  readonly subStatus: string;
  readonly details: string;
}

export class NodeRunner {
  private readonly client: FleetClient;
  private stopped = false;
  private loop: Promise<void> | undefined;
  /** Each run's config as the link serves it (GetRun's override_config), fetched once per run. */
  private readonly runConfigs = new Map<bigint, Promise<Readonly<Record<string, ConfigValue>>>>();
  /** The run of the last message: the one whose end this node waits for. */
  private runId: bigint | undefined;
  private settle: { resolve: (d: NodeDone) => void; reject: (e: Error) => void } | undefined;
  /** Resolves when the run this node served is over; rejects when the server is gone past the patience. */
  readonly done: Promise<NodeDone>;

  constructor(
    readonly clientId: number,
    private readonly host: ClientHost,
    options: FleetClientOptions,
    private readonly logger: Logger,
    private readonly nodeConfig: NodeConfig = {},
    /** How long the link may stay unreachable before this node gives up (ms). */
    private readonly patienceMs = Number.POSITIVE_INFINITY,
  ) {
    this.done = new Promise<NodeDone>((resolve, reject) => (this.settle = { resolve, reject }));
    this.done.catch(() => undefined); // observed by whoever awaits it
    this.client = new FleetClient({
      ...options,
      onEvent: (e) => {
        if (e.type === 'retry' && e.attempt === 0)
          logger.warn(`client ${clientId}: ${e.method} failed (${e.error}); retrying with backoff`);
        else if (e.type === 're-registered') logger.info(`client ${clientId}: registered again as node ${e.nodeId} (the server restarted)`);
        else if (e.type === 'heartbeat-failed') logger.debug(`client ${clientId}: heartbeat failed: ${e.error}`);
      },
    });
  }

  /** Connect and start answering messages; resolves once connected. */
  async start(): Promise<bigint> {
    const nodeId = await this.connectWithRetry();
    this.logger.info(`client ${this.clientId}: node ${nodeId}`);
    this.loop = this.serve();
    return nodeId;
  }

  private async connectWithRetry(): Promise<bigint> {
    const started = Date.now();
    for (let wait = FAILED_POLL_MS.first; ; wait = Math.min(2 * wait, FAILED_POLL_MS.max)) {
      try {
        return await this.client.connect();
      } catch (e) {
        if (this.stopped) throw e;
        if (e instanceof FleetCallError && REFUSALS.has(e.code)) throw refusal(this.clientId, e);
        const tls = e instanceof FleetCallError ? tlsHandshakeProblem(e.details) : undefined;
        if (tls) throw new Error(`client ${this.clientId}: cannot connect over TLS: ${tls}`, { cause: e });
        if (Date.now() - started > this.patienceMs)
          throw new Error(
            `client ${this.clientId}: the server did not answer within --server-patience ${Math.round(this.patienceMs / 1000)} s ` +
              `(last error: ${(e as Error).message})`,
            { cause: e },
          );
        this.logger.warn(`client ${this.clientId}: cannot reach the server (${(e as Error).message}); retrying in ${wait} ms`);
        await sleep(wait);
      }
    }
  }

  private async serve(): Promise<void> {
    let idle = IDLE_POLL_MS.first;
    let failed = FAILED_POLL_MS.first;
    let lastContact = Date.now();
    let lastStatusCheck = Date.now();
    while (!this.stopped) {
      let message: FleetMessage | undefined;
      try {
        message = await this.client.pullMessage();
        failed = FAILED_POLL_MS.first;
        lastContact = Date.now();
      } catch (e) {
        if (this.stopped) return;
        const silentMs = Date.now() - lastContact;
        if (silentMs > this.patienceMs) {
          this.settle?.reject(
            new Error(
              `client ${this.clientId}: the server has not answered for ${Math.round(silentMs / 1000)} s (--server-patience ` +
                `${Math.round(this.patienceMs / 1000)} s); last error: ${(e as Error).message}`,
              { cause: e },
            ),
          );
          return;
        }
        this.logger.warn(`client ${this.clientId}: pulling messages failed (${(e as Error).message}); retrying in ${failed} ms`);
        await sleep(failed);
        failed = Math.min(2 * failed, FAILED_POLL_MS.max);
        continue;
      }
      if (!message) {
        if (this.runId !== undefined && Date.now() - lastStatusCheck >= RUN_STATUS_EVERY_MS) {
          lastStatusCheck = Date.now();
          const over = await this.runOver(this.runId);
          if (over) {
            this.settle?.resolve(over);
            return;
          }
        }
        await sleep(idle);
        idle = Math.min(2 * idle, IDLE_POLL_MS.max);
        continue;
      }
      idle = IDLE_POLL_MS.first;
      this.runId = message.metadata.runId;
      await this.answer(message);
    }
  }

  /** Whether the link says `runId` is finished; a failed check is no answer (the pull loop judges the link). */
  private async runOver(runId: bigint): Promise<NodeDone | undefined> {
    try {
      const run = await this.client.getRun(runId);
      return run.status.status === 'finished' ? { runId, subStatus: run.status.subStatus, details: run.status.details } : undefined;
    } catch (e) {
      if (e instanceof FleetCallError && e.code === GrpcStatus.PERMISSION_DENIED && /Run is finished/.test(e.details))
        return { runId, subStatus: /Stopped by user/.test(e.details) ? 'stopped' : '', details: e.details };
      return undefined;
    }
  }

  private async answer(message: FleetMessage): Promise<void> {
    // Flower's ClientApps dispatch on the type before any '.', e.g. "train.fedprox".
    const type = message.metadata.messageType.split('.')[0]!;
    const started = performance.now();
    let reply: FleetMessage;
    try {
      if (!SERVED_MESSAGE_TYPES.includes(type as MessageType))
        throw new Error(
          `message type '${message.metadata.messageType}' is not served by fedloge clients (they answer ${SERVED_MESSAGE_TYPES.join(', ')})`,
        );
      if (!message.content) throw new Error('the message carries no content');
      const context: MessageContext = { runConfig: await this.runConfig(message.metadata.runId), nodeConfig: this.nodeConfig };
      const content = await this.host.handle(this.clientId, type as MessageType, fromRecordDict(message.content), context);
      reply = createReply(message, { content: toRecordDict(content) });
    } catch (e) {
      this.logger.warn(`client ${this.clientId}: ${type} message failed: ${(e as Error).message}`);
      // What a Flower ClientApp that raises sends back: the reason, no content.
      reply = createReply(message, {
        error: { code: ErrorCode.clientAppRaisedException, reason: `client ${this.clientId}: ${(e as Error).message}` },
      });
    }
    try {
      await this.client.pushReply(reply, (performance.now() - started) / 1000);
    } catch (e) {
      // A reply the server refuses (its round closed) or cannot take: the next message decides what happens.
      this.logger.warn(`client ${this.clientId}: the server did not take the ${type} reply: ${(e as Error).message}`);
    }
  }

  private runConfig(runId: bigint): Promise<Readonly<Record<string, ConfigValue>>> {
    let config = this.runConfigs.get(runId);
    if (!config) {
      config = this.client.getRun(runId).then((run) => {
        const out: Record<string, ConfigValue> = {};
        for (const [k, v] of run.config) {
          if (typeof v === 'bigint') out[k] = Number(v);
          else if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') out[k] = v;
        }
        return out;
      });
      config.catch(() => this.runConfigs.delete(runId)); // ask again with the next message
      this.runConfigs.set(runId, config);
    }
    return config;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.settle?.reject(new Error('stopped'));
    await this.client.close();
    // A pull may sit in its retry backoff (seconds, when the server is gone); the closed client ends it at its
    // next try, and nothing is left to wait for: do not hold the process's exit on it.
    await Promise.race([this.loop?.catch(() => undefined), sleep(1_000)]);
  }
}

/** Answers that retrying cannot change: the link refused this node (its key, its settings), it did not fail to answer. */
const REFUSALS: ReadonlySet<number> = new Set([
  GrpcStatus.UNAUTHENTICATED,
  GrpcStatus.PERMISSION_DENIED,
  GrpcStatus.FAILED_PRECONDITION,
  GrpcStatus.INVALID_ARGUMENT,
]);

function refusal(clientId: number, e: FleetCallError): Error {
  const hint = /No SuperNode found|registered via the CLI/i.test(e.details)
    ? " A SuperLink started with --enable-supernode-auth only lets in node keys registered with 'flwr supernode register <the key's .pub.pem>'" +
      ' (this client keeps them in <--out>/keys); start this client with --no-self-register.'
    : /heartbeat/i.test(e.details)
      ? ' A Flower SuperLink takes --heartbeat in [10, 1800] s.'
      : '';
  return new Error(`client ${clientId}: the server refused the node at ${e.method}: ${GrpcStatus[e.code]} (${e.details}).${hint}`, {
    cause: e,
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
