/**
 * A FleetLink in memory, for tests of the network executor and the client host without sockets:
 * nodes are handler functions; a test can hold back, drop or duplicate replies and take nodes
 * offline, which is what the network does to the real link.
 */
import type { FleetLink, Reply } from '../fleet-link.js';
import type { MessageContent, MessageType } from '../task-messages.js';

export type NodeHandler = (type: MessageType, content: MessageContent) => Promise<MessageContent>;

export interface Sent {
  readonly messageId: string;
  readonly nodeId: string;
  readonly type: MessageType;
  readonly content: MessageContent;
}

export class MemoryLink implements FleetLink {
  readonly sent: Sent[] = [];
  readonly cancelled = new Set<string>();
  /** Replies refused because their message was cancelled. */
  readonly refused: string[] = [];
  private replyHandler: ((messageId: string, reply: Reply) => void) | undefined;
  private nodeHandler: ((nodeId: string, online: boolean) => void) | undefined;
  private readonly nodes = new Map<string, NodeHandler>();
  private next = 0;
  /** When set, decides per message whether and when its reply is delivered (default: at once). */
  hold: ((sent: Sent, deliver: () => void) => void) | undefined;

  send(nodeId: string, type: MessageType, content: MessageContent): string {
    const messageId = `m${this.next++}`;
    const sent = { messageId, nodeId, type, content };
    this.sent.push(sent);
    const handler = this.nodes.get(nodeId);
    if (handler) {
      void handler(type, content).then(
        (c) => this.deliverLater(sent, { content: c }),
        (e: Error) => this.deliverLater(sent, { error: e.message }),
      );
    }
    return messageId;
  }

  private deliverLater(sent: Sent, reply: Reply): void {
    const deliver = () => this.deliver(sent.messageId, reply);
    if (this.hold) this.hold(sent, deliver);
    else deliver();
  }

  /** Hand a reply to the server, as the SuperLink would (refusing it after a cancel). */
  deliver(messageId: string, reply: Reply): void {
    if (this.cancelled.has(messageId)) {
      this.refused.push(messageId);
      return;
    }
    this.replyHandler?.(messageId, reply);
  }

  onReply(handler: (messageId: string, reply: Reply) => void): void {
    this.replyHandler = handler;
  }

  onNode(handler: (nodeId: string, online: boolean) => void): void {
    this.nodeHandler = handler;
  }

  cancel(messageId: string): void {
    this.cancelled.add(messageId);
  }

  /** A node comes online with `handler` answering its messages. */
  connect(nodeId: string, handler: NodeHandler): void {
    this.nodes.set(nodeId, handler);
    this.nodeHandler?.(nodeId, true);
  }

  disconnect(nodeId: string): void {
    this.nodes.delete(nodeId);
    this.nodeHandler?.(nodeId, false);
  }
}
