/**
 * `FleetLink` over a Flower SuperLink's ServerAppIo API: the network engine's round loop, executor
 * and client directory stay what `fedloge server` runs, and the SuperLink (with its Fleet API and
 * SuperNodes) carries the messages.
 *
 * - send: the message is built and its id (its Message object's id) computed at once; the messages
 *   sent in one turn of the event loop go up in one PushMessages call, as GrpcGrid pushes a round.
 * - replies: PullMessages is polled for the ids pushed and not yet answered; the SuperLink hands each
 *   reply out once. Its own error replies (instruction expired, node offline) fail the task like a
 *   node's Error reply.
 * - nodes: GetNodes is polled; a node that appears is online, one that leaves the list is offline
 *   (Flower lists the nodes whose heartbeats are current).
 * - cancel: Flower has no call to withdraw an instruction (it expires with its ttl); a cancelled
 *   message is no longer pulled, so its late reply never reaches the round.
 */
import type { Logger } from '@fedloge/core';
import {
  ErrorCode,
  prepareInstruction,
  ServerAppIoCallError,
  SUPERLINK_NODE_ID,
  type FleetMessage,
  type PreparedInstruction,
  type ServerAppIoClient,
} from '@fedloge/fleet';
import type { FleetLink, Reply } from './fleet-link.js';
import { fromRecordDict, toRecordDict } from './fleet-records.js';
import { KEY, RECORD, type MessageContent, type MessageType } from './task-messages.js';

export interface ServerAppIoLinkOptions {
  /** How often PullMessages is asked while replies are outstanding (ms). Default 200. */
  readonly replyPollMs?: number;
  /** How often GetNodes is asked (ms). Default 1000. */
  readonly nodePollMs?: number;
}

const FLOWER_ERROR_NAMES: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(ErrorCode).map(([name, code]) => [code, name]),
);

export class ServerAppIoLink implements FleetLink {
  private replyHandler: ((messageId: string, reply: Reply) => void) | undefined;
  private nodeHandler: ((nodeId: string, online: boolean) => void) | undefined;
  private failureHandler: ((error: Error) => void) | undefined;
  private readonly online = new Set<string>();
  /** Built, waiting for this turn's PushMessages. */
  private queue: PreparedInstruction[] = [];
  /** Pushed and stored by the SuperLink, not answered, not cancelled. */
  private readonly awaiting = new Set<string>();
  /** Sent and not yet answered or cancelled (queued, in flight or awaiting). */
  private readonly open = new Set<string>();
  private stopped = false;
  private loops: Promise<void>[] = [];
  private readonly replyPollMs: number;
  private readonly nodePollMs: number;
  private wakeReplies: (() => void) | undefined;

  constructor(
    private readonly client: ServerAppIoClient,
    readonly runId: bigint,
    private readonly logger: Logger,
    options: ServerAppIoLinkOptions = {},
  ) {
    this.replyPollMs = options.replyPollMs ?? 200;
    this.nodePollMs = options.nodePollMs ?? 1000;
  }

  /** Start polling the SuperLink. */
  start(): void {
    this.loops = [this.nodeLoop(), this.replyLoop()];
  }

  /** Called once when the SuperLink refuses the run's calls (e.g. the run was stopped or finished). */
  onFailure(handler: (error: Error) => void): void {
    this.failureHandler = handler;
  }

  send(nodeId: string, type: MessageType, content: MessageContent, ttlMs: number): string {
    const round = content.configs[RECORD.config]?.[KEY.round];
    const prepared = prepareInstruction(this.runId, {
      dstNodeId: BigInt(nodeId),
      messageType: type,
      // Flower names a round's messages by the round number.
      groupId: typeof round === 'number' ? String(round) : '',
      ttlS: Math.max(1, ttlMs / 1000),
      content: toRecordDict(content),
    });
    this.open.add(prepared.messageId);
    this.queue.push(prepared);
    if (this.queue.length === 1) setImmediate(() => void this.flush());
    return prepared.messageId;
  }

  private async flush(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    try {
      const stored = await this.client.pushMessages(this.runId, batch);
      for (const [i, p] of batch.entries()) {
        if (stored[i] !== undefined) {
          if (this.open.has(p.messageId)) this.awaiting.add(p.messageId);
        } else this.fail(p.messageId, 'the SuperLink did not store the message (its node is not registered for this run)');
      }
      this.wakeReplies?.();
    } catch (e) {
      this.logger.warn(`PushMessages of ${batch.length} message(s) failed: ${(e as Error).message}`);
      if (isRunRefused(e)) this.linkFailed(e as Error);
      for (const p of batch) this.fail(p.messageId, `the message could not be pushed to the SuperLink: ${(e as Error).message}`);
    }
  }

  private fail(messageId: string, error: string): void {
    if (!this.open.delete(messageId)) return;
    this.awaiting.delete(messageId);
    this.replyHandler?.(messageId, { error });
  }

  private async replyLoop(): Promise<void> {
    let refusedBefore = false;
    while (!this.stopped) {
      const ids = [...this.awaiting];
      if (ids.length > 0) {
        try {
          const replies = await this.client.pullReplies(this.runId, ids);
          for (const r of replies) this.deliver(r);
          refusedBefore = false;
        } catch (e) {
          if (this.stopped) return;
          this.logger.warn(`PullMessages failed: ${(e as Error).message}`);
          if (isRunRefused(e)) return this.linkFailed(e as Error);
          if (isRefusal(e)) {
            // A second refusal in a row: the SuperLink will not serve this run.
            if (refusedBefore) return this.linkFailed(e as Error);
            refusedBefore = true;
          }
        }
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.replyPollMs);
        this.wakeReplies = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeReplies = undefined;
    }
  }

  private deliver(reply: FleetMessage): void {
    const messageId = reply.metadata.replyToMessageId;
    if (!this.open.has(messageId)) {
      this.logger.debug(`ignored a reply to message ${messageId.slice(0, 12)}… that is no longer awaited`);
      return;
    }
    if (reply.error) {
      const name = FLOWER_ERROR_NAMES[reply.error.code] ?? `code ${reply.error.code}`;
      const from = reply.metadata.srcNodeId === SUPERLINK_NODE_ID ? 'the SuperLink' : `node ${reply.metadata.srcNodeId}`;
      return this.fail(messageId, `${from} answered with an error (${name}): ${reply.error.reason}`);
    }
    let content: MessageContent;
    try {
      content = fromRecordDict(reply.content ?? new Map());
    } catch (e) {
      return this.fail(messageId, (e as Error).message);
    }
    this.open.delete(messageId);
    this.awaiting.delete(messageId);
    this.replyHandler?.(messageId, { content });
  }

  private async nodeLoop(): Promise<void> {
    let refusedBefore = false;
    while (!this.stopped) {
      try {
        const now = new Set((await this.client.getNodes(this.runId)).map(String));
        for (const id of now) if (!this.online.has(id)) this.nodeChanged(id, true);
        for (const id of [...this.online]) if (!now.has(id)) this.nodeChanged(id, false);
        refusedBefore = false;
      } catch (e) {
        if (this.stopped) return;
        this.logger.warn(`GetNodes failed: ${(e as Error).message}`);
        if (isRunRefused(e)) return this.linkFailed(e as Error);
        if (isRefusal(e)) {
          if (refusedBefore) return this.linkFailed(e as Error);
          refusedBefore = true;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, this.nodePollMs));
    }
  }

  private nodeChanged(nodeId: string, isOnline: boolean): void {
    if (isOnline) this.online.add(nodeId);
    else this.online.delete(nodeId);
    this.nodeHandler?.(nodeId, isOnline);
  }

  private linkFailed(error: Error): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const id of [...this.open]) this.fail(id, `the SuperLink refused the run's calls: ${error.message}`);
    this.failureHandler?.(error);
  }

  onReply(handler: (messageId: string, reply: Reply) => void): void {
    this.replyHandler = handler;
  }

  onNode(handler: (nodeId: string, online: boolean) => void): void {
    this.nodeHandler = handler;
    for (const id of this.online) handler(id, true); // nodes seen before anyone listened
  }

  cancel(messageId: string): void {
    this.open.delete(messageId);
    this.awaiting.delete(messageId);
  }

  /** Stop polling (pending pushes finish); the client stays open for the run's last calls. */
  async close(): Promise<void> {
    this.stopped = true;
    this.wakeReplies?.();
    await Promise.all(this.loops);
  }
}

/**
 * A call the SuperLink answered with an error (the client already retried an unreachable link with
 * backoff): PERMISSION_DENIED "Run is finished." for a stopped run, UNKNOWN for an exception inside
 * Flower's servicer.
 */
function isRefusal(e: unknown): boolean {
  return e instanceof ServerAppIoCallError;
}

/** gRPC's PERMISSION_DENIED: Flower's `abort_if` for a run whose status forbids the call ("Run is finished. Stopped by user."). */
const PERMISSION_DENIED = 7;

function isRunRefused(e: unknown): boolean {
  return e instanceof ServerAppIoCallError && e.code === PERMISSION_DENIED;
}
