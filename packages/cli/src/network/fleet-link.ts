/**
 * What the network engine needs from the Fleet server (our embedded SuperLink): queue a message
 * for a node, hear its reply or its error, hear nodes come and go, and refuse a message's reply
 * once we stopped waiting for it. `fleet-server-link.ts` implements it over `@fedloge/fleet`;
 * tests use an in-memory one. Node ids are strings (Flower's are uint64).
 */
import type { MessageContent, MessageType } from './task-messages.js';

/** A node's answer: its content, or the error it reported instead. */
export type Reply =
  { readonly content: MessageContent; readonly error?: undefined } | { readonly content?: undefined; readonly error: string };

export interface FleetLink {
  /** Queue `content` for `nodeId`; the node pulls it. Returns the message id. `ttlMs`: how long the message stays deliverable. */
  send(nodeId: string, type: MessageType, content: MessageContent, ttlMs: number): string;
  /** Called once per reply to a message sent and not cancelled. */
  onReply(handler: (messageId: string, reply: Reply) => void): void;
  /** Called when a node registers/activates (true) or misses its heartbeats or deactivates (false). */
  onNode(handler: (nodeId: string, online: boolean) => void): void;
  /** Stop waiting for `messageId`: a reply that arrives later is refused and never reaches `onReply`. */
  cancel(messageId: string): void;
}
