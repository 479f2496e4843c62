/**
 * Which Fleet node hosts which logical client. A node is anonymous to the SuperLink, so when one
 * comes online the server sends it a "hello" query (the run to rebuild) and the reply names the
 * client it hosts (`partition-id`). A client that reconnects as a new node replaces its old node.
 *
 * A Flower SuperNode running an ordinary Flower ClientApp has no query handler: its runtime answers
 * the hello with an Error reply. Such a node is taken as a Flower node and given the lowest client id
 * no node holds (its ClientApp picks its data from its own `--node-config partition-id`, which the
 * SuperLink never sees); it can serve FedAvg-family strategies, whose clients keep no state here.
 */
import type { Logger } from '@fedloge/core';
import type { FleetLink } from './fleet-link.js';
import { helloMessage, readHelloReply, type Hello } from './task-messages.js';

export class ClientDirectory {
  private readonly nodeOfClient = new Map<number, string>();
  private readonly clientOfNode = new Map<string, number>();
  private readonly online = new Set<string>();
  /** Hello messages awaiting their reply → node. */
  private readonly hellos = new Map<string, string>();
  /** Nodes that answered the hello like a Flower ClientApp (an Error reply). */
  private readonly flowerNodes = new Set<string>();
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly link: FleetLink,
    private readonly hello: Hello,
    private readonly logger: Logger,
    /** How long a hello stays deliverable. */
    private readonly helloTtlMs = 60_000,
  ) {}

  /** Node events go here (the executor forwards them). */
  nodeEvent(nodeId: string, isOnline: boolean): void {
    if (isOnline) {
      if (this.online.has(nodeId)) return;
      this.online.add(nodeId);
      this.hellos.set(this.link.send(nodeId, 'query', helloMessage(this.hello), this.helloTtlMs), nodeId);
      this.logger.debug(`node ${nodeId} online; hello sent`);
    } else if (this.online.delete(nodeId)) {
      const client = this.clientOfNode.get(nodeId);
      this.logger.warn(`node ${nodeId}${client !== undefined ? ` (client ${client})` : ''} went offline`);
      this.changed();
    }
  }

  /** Handles the reply when `messageId` was a hello; returns whether it was. */
  helloReply(messageId: string, content: Parameters<typeof readHelloReply>[0] | undefined, error: string | undefined): boolean {
    const nodeId = this.hellos.get(messageId);
    if (nodeId === undefined) return false;
    this.hellos.delete(messageId);
    if (error !== undefined || content === undefined) {
      const free = this.lowestFreeClient();
      if (error === undefined || free === undefined) {
        this.logger.warn(
          `node ${nodeId} could not join the run: ${error ?? 'empty reply'}${free === undefined ? ' (every client has a node)' : ''}`,
        );
        return true;
      }
      this.flowerNodes.add(nodeId);
      this.logger.warn(
        `node ${nodeId} answered the fedloge hello with an error (${error}): taking it as a Flower ClientApp node serving client ${free} ` +
          '(the lowest free id; its data is what its own --node-config partition-id selects)',
      );
      this.assign(free, nodeId);
      return true;
    }
    let clientId: number;
    try {
      clientId = readHelloReply(content);
    } catch (e) {
      this.logger.warn(`node ${nodeId}: ${(e as Error).message}`);
      return true;
    }
    this.assign(clientId, nodeId);
    return true;
  }

  /** Whether `nodeId` is a Flower ClientApp node (no fedloge client behind it). */
  isFlowerNode(nodeId: string): boolean {
    return this.flowerNodes.has(nodeId);
  }

  private assign(clientId: number, nodeId: string): void {
    const previous = this.nodeOfClient.get(clientId);
    if (previous !== undefined && previous !== nodeId) {
      this.clientOfNode.delete(previous);
      this.logger.info(`client ${clientId} is now on node ${nodeId} (was ${previous})`);
    }
    this.nodeOfClient.set(clientId, nodeId);
    this.clientOfNode.set(nodeId, clientId);
    this.logger.debug(`client ${clientId} joined on node ${nodeId}`);
    this.changed();
  }

  /** The lowest client id of the run without an online node, if any. */
  private lowestFreeClient(): number | undefined {
    const total = this.hello.spec.partition.trainIndices.length;
    for (let k = 0; k < total; k++) if (this.nodeOf(k) === undefined) return k;
    return undefined;
  }

  /** The online node hosting `clientId`, if any. */
  nodeOf(clientId: number): string | undefined {
    const node = this.nodeOfClient.get(clientId);
    return node !== undefined && this.online.has(node) ? node : undefined;
  }

  clientOf(nodeId: string): number | undefined {
    return this.clientOfNode.get(nodeId);
  }

  /** Number of clients with an online node. */
  get size(): number {
    let n = 0;
    for (const node of this.nodeOfClient.values()) if (this.online.has(node)) n++;
    return n;
  }

  /** Subscribe to joins and departures; returns the unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves once `count` clients are online, or rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs: number): Promise<void> {
    if (this.size >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`only ${this.size} of ${count} clients joined within ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      const off = this.onChange(() => {
        if (this.size < count) return;
        clearTimeout(timer);
        off();
        resolve();
      });
    });
  }

  private changed(): void {
    for (const l of [...this.listeners]) l();
  }
}
