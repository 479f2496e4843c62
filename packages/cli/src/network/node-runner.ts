/**
 * One Fleet node for one hosted client: connect (register, activate, heartbeats: the wire layer),
 * then pull instructions, answer them through the client host and push the replies. A node that
 * loses the server keeps retrying with backoff (the wire layer's calls, and this loop's polling),
 * so a link that goes down and comes back, or a server restarted with --resume, finds its nodes again.
 */
import { createReply, FleetClient, type FleetClientOptions, type FleetMessage } from '@fedloge/fleet';
import type { Logger } from '@fedloge/core';
import type { ClientHost } from './client-host.js';
import { fromRecordDict, toRecordDict } from './fleet-records.js';
import type { MessageType } from './task-messages.js';

// Idle polling backs off to 500 ms: a round's message waits at most that long (Flower's SuperNode polls every few seconds).
const IDLE_POLL_MS = { first: 50, max: 500 };
const FAILED_POLL_MS = { first: 500, max: 5_000 };

export class NodeRunner {
  private readonly client: FleetClient;
  private stopped = false;
  private loop: Promise<void> | undefined;

  constructor(
    readonly clientId: number,
    private readonly host: ClientHost,
    options: FleetClientOptions,
    private readonly logger: Logger,
  ) {
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
    for (let wait = FAILED_POLL_MS.first; ; wait = Math.min(2 * wait, FAILED_POLL_MS.max)) {
      try {
        return await this.client.connect();
      } catch (e) {
        if (this.stopped) throw e;
        if (/UNAUTHENTICATED|PERMISSION_DENIED|refused|allow/i.test((e as Error).message)) throw e;
        this.logger.warn(`client ${this.clientId}: cannot reach the server (${(e as Error).message}); retrying in ${wait} ms`);
        await sleep(wait);
      }
    }
  }

  private async serve(): Promise<void> {
    let idle = IDLE_POLL_MS.first;
    let failed = FAILED_POLL_MS.first;
    while (!this.stopped) {
      let message: FleetMessage | undefined;
      try {
        message = await this.client.pullMessage();
        failed = FAILED_POLL_MS.first;
      } catch (e) {
        if (this.stopped) return;
        this.logger.warn(`client ${this.clientId}: pulling messages failed (${(e as Error).message}); retrying in ${failed} ms`);
        await sleep(failed);
        failed = Math.min(2 * failed, FAILED_POLL_MS.max);
        continue;
      }
      if (!message) {
        await sleep(idle);
        idle = Math.min(2 * idle, IDLE_POLL_MS.max);
        continue;
      }
      idle = IDLE_POLL_MS.first;
      await this.answer(message);
    }
  }

  private async answer(message: FleetMessage): Promise<void> {
    const type = message.metadata.messageType.split('.')[0] as MessageType;
    const started = performance.now();
    let reply: FleetMessage;
    try {
      if (!message.content) throw new Error('the message carries no content');
      const content = await this.host.handle(this.clientId, type, fromRecordDict(message.content));
      reply = createReply(message, { content: toRecordDict(content) });
    } catch (e) {
      this.logger.warn(`client ${this.clientId}: ${type} message failed: ${(e as Error).message}`);
      reply = createReply(message, { error: { code: 2, reason: `client ${this.clientId}: ${(e as Error).message}` } });
    }
    try {
      await this.client.pushReply(reply, (performance.now() - started) / 1000);
    } catch (e) {
      // A reply the server refuses (its round closed) or cannot take: the next message decides what happens.
      this.logger.warn(`client ${this.clientId}: the server did not take the ${type} reply: ${(e as Error).message}`);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.client.close();
    await this.loop?.catch(() => undefined);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
