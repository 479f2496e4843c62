import type { RecordDict } from './records/record-dict.js';

/** Node id Flower reserves for the SuperLink/ServerApp side; instructions come from it, replies go to it. */
export const SUPERLINK_NODE_ID = 1n;

/** Flower's default message lifetime (12 h), in seconds. */
export const DEFAULT_TTL_S = 43_200;

/** Message types Flower's apps dispatch on (a type may carry a ".suffix", e.g. "train.fedprox"). */
export const MessageType = { train: 'train', evaluate: 'evaluate', query: 'query', system: 'system' } as const;

/** Flower's `Error.code` values (flwr.common.constant.ErrorCode). */
export const ErrorCode = {
  unknown: 0,
  loadClientAppException: 1,
  clientAppRaisedException: 2,
  messageUnavailable: 3,
  replyMessageUnavailable: 4,
  nodeUnavailable: 5,
  modFailedPrecondition: 6,
  invalidFab: 7,
  clientAppCrashed: 8,
} as const;

export interface MessageMetadata {
  readonly runId: bigint;
  /** SHA-256 id of the Message object; empty until the message is deflated. */
  readonly messageId: string;
  readonly srcNodeId: bigint;
  readonly dstNodeId: bigint;
  /** For replies: the id of the instruction answered. */
  readonly replyToMessageId: string;
  /** Groups the messages of one round (Flower uses the round number as a string). */
  readonly groupId: string;
  /** Seconds the message stays valid after createdAt. */
  readonly ttl: number;
  readonly messageType: string;
  /** Unix time in seconds (fractional). */
  readonly createdAt: number;
}

export interface MessageError {
  readonly code: number;
  readonly reason: string;
}

/** A Fleet API message: metadata plus either content or an error. */
export interface FleetMessage {
  readonly metadata: MessageMetadata;
  readonly content?: RecordDict;
  readonly error?: MessageError;
}

/**
 * The reply to an instruction, addressed back to its sender, as Flower builds it: same run, group and
 * type; ttl = what is left of the instruction's ttl.
 */
export function createReply(
  instruction: FleetMessage,
  body: { content: RecordDict } | { error: MessageError },
  now = Date.now() / 1000,
): FleetMessage {
  const m = instruction.metadata;
  const ttl = Math.max(0, m.ttl - (now - m.createdAt));
  const metadata: MessageMetadata = {
    runId: m.runId,
    messageId: '',
    srcNodeId: m.dstNodeId,
    dstNodeId: m.srcNodeId,
    replyToMessageId: m.messageId,
    groupId: m.groupId,
    ttl,
    messageType: m.messageType,
    createdAt: now,
  };
  return 'content' in body ? { metadata, content: body.content } : { metadata, error: body.error };
}
