/** `FleetLink` over `@fedloge/fleet`'s embedded SuperLink (`FleetServer`). */
import { ReplyTimeoutError, type FleetServer } from '@fedloge/fleet';
import type { Logger } from '@fedloge/core';
import { fromRecordDict, toRecordDict } from './fleet-records.js';
import type { FleetLink, Reply } from './fleet-link.js';
import type { MessageContent, MessageType } from './task-messages.js';

export class FleetServerLink implements FleetLink {
  private replyHandler: ((messageId: string, reply: Reply) => void) | undefined;
  private readonly cancelled = new Set<string>();

  constructor(
    private readonly server: FleetServer,
    private readonly logger: Logger,
  ) {
    server.on('reply-refused', ({ nodeId, replyToMessageId, reason }) =>
      logger.warn(`refused a reply from node ${nodeId} to message ${replyToMessageId.slice(0, 12)}…: ${reason}; it is not aggregated`),
    );
  }

  send(nodeId: string, type: MessageType, content: MessageContent, ttlMs: number, groupId?: string): string {
    const ttlS = Math.max(1, Math.ceil(ttlMs / 1000));
    const messageId = this.server.send(BigInt(nodeId), {
      messageType: type,
      content: toRecordDict(content),
      ttlS,
      ...(groupId ? { groupId } : {}),
    });
    // The executor keeps its own deadline and cancels; this timeout only frees a message nobody cancelled.
    this.server.awaitReply(messageId, ttlMs + 60_000).then(
      (message) => {
        if (message.error) return this.replyHandler?.(messageId, { error: message.error.reason || `error code ${message.error.code}` });
        let content: MessageContent;
        try {
          content = fromRecordDict(message.content ?? new Map());
        } catch (e) {
          return this.replyHandler?.(messageId, { error: (e as Error).message });
        }
        this.replyHandler?.(messageId, { content });
      },
      (e: unknown) => {
        if (this.cancelled.delete(messageId)) return;
        if (e instanceof ReplyTimeoutError) this.replyHandler?.(messageId, { error: 'no reply before the message expired' });
        else this.logger.debug(`message ${messageId.slice(0, 12)}…: ${(e as Error).message}`);
      },
    );
    return messageId;
  }

  onReply(handler: (messageId: string, reply: Reply) => void): void {
    this.replyHandler = handler;
  }

  onNode(handler: (nodeId: string, online: boolean) => void): void {
    this.server.on('node-online', (n) => handler(String(n.nodeId), true));
    this.server.on('node-offline', (n) => handler(String(n.nodeId), false));
    this.server.on('node-unregistered', (n) => handler(String(n.nodeId), false));
    // Nodes that came online before we listened.
    for (const id of this.server.onlineNodeIds()) handler(String(id), true);
  }

  cancel(messageId: string): void {
    this.cancelled.add(messageId);
    this.server.abandon(messageId, 'its round closed');
  }
}
