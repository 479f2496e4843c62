/**
 * A `ClientExecutor` whose clients live in other processes, reached through the Fleet API. The
 * server's round loop is core's `Simulation`, unchanged: it hands this executor the round's
 * tasks exactly as it hands them to the worker-thread executor.
 *
 * Faults, with Flower's semantics (`min_available_clients` / `accept_failures`):
 * - every train message has a deadline, the round timeout; a node that misses its heartbeats
 *   (or replies with an error) fails its task for this attempt at once;
 * - at the deadline the round closes with the replies received, provided at least `minClients`
 *   replied; otherwise the missing tasks are sent again (same round, same random stream, so a
 *   retried client computes the same update) up to `retries` times, then the run stops with an
 *   error naming the clients that did not answer;
 * - a reply that comes after its task closed, to a cancelled message or twice is refused: only
 *   the first reply to a live message of an open task is accepted, so nothing is aggregated twice.
 * Accepted results come back in task order, so aggregation sums in the in-process order.
 */
import type { ClientExecutor, ClientTask, ClientTaskResult, Logger } from '@fedloge/core';
import type { ClientDirectory } from './client-directory.js';
import type { FleetLink, Reply } from './fleet-link.js';
import { RECORD, readTrainReply, trainMessage } from './task-messages.js';

export interface NetworkExecutorOptions {
  readonly link: FleetLink;
  readonly directory: ClientDirectory;
  readonly runId: string;
  /** Seconds a round waits for its replies. */
  readonly roundTimeoutSeconds: number;
  /** Fewest replies a round may close with (capped at the number of tasks). */
  readonly minClients: number;
  /** How often a round that got fewer than `minClients` replies is tried again. */
  readonly retries: number;
  readonly logger: Logger;
}

/** A round could not gather `minClients` replies. */
export class RoundFailedError extends Error {
  override readonly name = 'RoundFailedError';
  constructor(
    message: string,
    readonly round: number,
  ) {
    super(message);
  }
}

interface Pending {
  readonly position: number;
  readonly task: ClientTask;
  result: ClientTaskResult | undefined;
  /** The live message for this task in the current attempt. */
  messageId: string | undefined;
  nodeId: string | undefined;
  /** Why the task failed in this attempt. */
  failed: string | undefined;
}

export class NetworkExecutor implements ClientExecutor {
  /** Live train messages → their task. */
  private readonly live = new Map<string, Pending>();
  /** Wakes the round in progress when something changed. */
  private wake: (() => void) | undefined;

  constructor(private readonly options: NetworkExecutorOptions) {
    options.link.onNode((nodeId, online) => {
      options.directory.nodeEvent(nodeId, online);
      if (!online) this.nodeLost(nodeId);
      this.wake?.();
    });
    options.link.onReply((messageId, reply) => {
      if (options.directory.helloReply(messageId, reply.content, reply.error)) return this.wake?.();
      this.accept(messageId, reply);
    });
    options.directory.onChange(() => this.wake?.());
  }

  async run(tasks: readonly ClientTask[], onResult?: (result: ClientTaskResult) => void): Promise<ClientTaskResult[]> {
    if (tasks.length === 0) return [];
    const { logger, retries } = this.options;
    const round = tasks[0]!.round;
    const need = Math.min(this.options.minClients, tasks.length);
    const pending: Pending[] = tasks.map((task, position) => ({
      position,
      task,
      result: undefined,
      messageId: undefined,
      nodeId: undefined,
      failed: undefined,
    }));
    for (let attempt = 0; attempt <= retries; attempt++) {
      for (const p of pending) p.failed = undefined;
      await this.attempt(
        pending.filter((p) => !p.result),
        onResult,
      );
      const done = pending.filter((p) => p.result);
      const missing = pending.filter((p) => !p.result);
      if (missing.length === 0 || done.length >= need) {
        if (missing.length > 0) {
          logger.warn(
            `Round ${round}: closed with ${done.length} of ${tasks.length} clients (min ${need}); no update from ${describe(missing)}`,
          );
        }
        return done.map((p) => p.result!);
      }
      if (attempt < retries) {
        logger.warn(
          `Round ${round}: ${done.length} of ${tasks.length} clients replied (min ${need}; missing ${describe(missing)}); sending again (attempt ${attempt + 2} of ${retries + 1})`,
        );
      } else {
        throw new RoundFailedError(
          `Round ${round}: only ${done.length} of ${tasks.length} sampled clients replied after ${retries + 1} attempt(s) of ` +
            `${this.options.roundTimeoutSeconds} s (at least ${need} needed; missing ${describe(missing)}). Check that the client ` +
            'processes hosting them are running and can reach the server, then resume the run with `fedloge server --resume <run folder>`; ' +
            'or lower --min-clients / raise --round-timeout.',
          round,
        );
      }
    }
    throw new Error('unreachable');
  }

  /** One try: send every open task whose client is online, wait for replies until the deadline. */
  private async attempt(open: Pending[], onResult?: (result: ClientTaskResult) => void): Promise<void> {
    const { link, directory, runId, roundTimeoutSeconds } = this.options;
    const ttlMs = roundTimeoutSeconds * 1000;
    const deadline = Date.now() + ttlMs;
    const trySend = () => {
      for (const p of open) {
        if (p.result || p.messageId !== undefined || p.failed !== undefined) continue;
        const node = directory.nodeOf(p.task.clientId);
        if (node === undefined) continue;
        p.nodeId = node;
        p.messageId = link.send(node, 'train', trainMessage(p.task, runId), Math.max(1, deadline - Date.now()));
        this.live.set(p.messageId, p);
      }
    };
    const settled = () => open.every((p) => p.result || p.failed !== undefined);
    try {
      while (Date.now() < deadline) {
        trySend();
        if (settled()) break;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = undefined;
        for (const p of open) {
          if (p.result && p.messageId !== undefined) {
            onResult?.(p.result);
            p.messageId = undefined;
          }
        }
      }
    } finally {
      this.wake = undefined;
      // Close the attempt: whatever is still live is refused from now on.
      for (const p of open) {
        if (p.messageId === undefined) continue;
        if (p.result) onResult?.(p.result);
        else {
          link.cancel(p.messageId);
          p.failed ??= `no reply within ${roundTimeoutSeconds} s`;
        }
        this.live.delete(p.messageId);
        p.messageId = undefined;
      }
      for (const p of open) if (!p.result && p.failed === undefined) p.failed = 'not connected';
    }
  }

  /** A reply arrived: accept it once for a live message of an open task. */
  private accept(messageId: string, reply: Reply): void {
    const p = this.live.get(messageId);
    if (!p) {
      this.options.logger.warn(`refused a late or unknown reply (message ${messageId}); it is not aggregated`);
      return;
    }
    this.live.delete(messageId);
    const { clientId, round } = p.task;
    if (reply.error !== undefined) {
      p.failed = reply.error;
      p.messageId = undefined;
      this.options.logger.warn(`Round ${round}: client ${clientId} failed: ${reply.error}`);
    } else {
      try {
        if (p.nodeId !== undefined && this.options.directory.isFlowerNode(p.nodeId)) checkFlowerReply(p.task, reply);
        p.result = readTrainReply(reply.content, clientId);
      } catch (e) {
        p.failed = (e as Error).message;
        p.messageId = undefined;
        this.options.logger.warn(`Round ${round}: ${(e as Error).message}`);
      }
    }
    this.wake?.();
  }

  /** A node went offline: its live tasks fail for this attempt (they may be sent again). */
  private nodeLost(nodeId: string): void {
    for (const [messageId, p] of this.live) {
      if (p.nodeId !== nodeId) continue;
      this.options.link.cancel(messageId);
      this.live.delete(messageId);
      p.messageId = undefined;
      p.failed = `its node ${nodeId} went offline`;
    }
  }
}

/**
 * A Flower ClientApp trains the arrays it was sent and returns the same names; it cannot keep a strategy's
 * client state (FedLoGe's local heads, personal layers), which only a fedloge client holds.
 */
function checkFlowerReply(task: ClientTask, reply: Reply): void {
  if (task.state !== undefined)
    throw new Error(
      `client ${task.clientId} is served by a Flower ClientApp node, which cannot keep this strategy's client state; host it with fedloge client`,
    );
  const sent = Object.keys(task.payload).sort().join(',');
  const got = Object.keys(reply.content?.arrays[RECORD.arrays] ?? {})
    .sort()
    .join(',');
  if (got !== sent)
    throw new Error(
      `client ${task.clientId}'s Flower ClientApp replied with arrays [${got}], not the [${sent}] it was sent: ` +
        'a ClientApp must return the model it trained under the same names',
    );
}

function describe(missing: readonly Pending[]): string {
  return missing.map((p) => `client ${p.task.clientId}${p.failed ? ` (${p.failed})` : ''}`).join(', ');
}
