/**
 * The Message that travels inline in PullMessages / PushMessages: metadata plus the content marker.
 *
 * Flower sends a message's records as objects, and the inline protobuf `Message` keeps only what tells
 * a message with content from one with an error (`remove_content_from_message` then `message_to_proto`
 * in flwr.common): an *empty* RecordDict in `content` when the message has records, or `error` and no
 * content. Flower's `message_from_proto` refuses a Message with neither ("Invalid arguments for Message"),
 * so both directions must set exactly one.
 *
 * `messageEnvelopeProblems` is Flower's `validate_message` (flwr/server/utils/validator.py, 1.26) plus the
 * reply checks of `LinkState.store_message_res`, so our link refuses what Flower's would and our client
 * notices an instruction Flower would not have sent.
 */
import { create } from '@bufbuild/protobuf';
import { ErrorSchema } from '../gen/flwr/proto/error_pb.js';
import { type Message, MessageSchema } from '../gen/flwr/proto/message_pb.js';
import { RecordDictSchema } from '../gen/flwr/proto/recorddict_pb.js';
import { type MessageError, type MessageMetadata, SUPERLINK_NODE_ID } from '../message.js';
import { metadataToProto } from './metadata-proto.js';

/** Flower's lower bound on `created_at`: 28 February 2025 00:00 UTC (validate_message). */
export const MIN_CREATED_AT_S = 1_740_700_800;

/** Flower's slack when comparing a reply's expiry with its instruction's (MESSAGE_TTL_TOLERANCE). */
export const MESSAGE_TTL_TOLERANCE_S = 1e-1;

/** The inline Message for PushMessages / PullMessages: metadata (with its id) and the content/error marker. */
export function messageEnvelope(metadata: MessageMetadata, error?: MessageError): Message {
  return create(MessageSchema, {
    metadata: metadataToProto(metadata),
    ...(error ? { error: create(ErrorSchema, { code: BigInt(error.code), reason: error.reason }) } : { content: create(RecordDictSchema) }),
  });
}

/** What an envelope says about its body: content, error, or (invalid) neither / both. */
export function envelopeBody(wire: Message): 'content' | 'error' | 'neither' | 'both' {
  if (wire.content && wire.error) return 'both';
  if (wire.content) return 'content';
  if (wire.error) return 'error';
  return 'neither';
}

export interface EnvelopeCheck {
  readonly metadata: MessageMetadata;
  readonly body: ReturnType<typeof envelopeBody>;
  /** A reply (to the SuperLink) rather than an instruction (from it). */
  readonly isReply: boolean;
  /** Unix seconds. */
  readonly now?: number;
}

/** Every rule of Flower's `validate_message` the metadata breaks, in Flower's words; empty when valid. */
export function messageEnvelopeProblems({ metadata: m, body, isReply, now = Date.now() / 1000 }: EnvelopeCheck): string[] {
  const problems: string[] = [];
  if (m.messageId === '') problems.push('empty `metadata.message_id`');
  if (!(m.createdAt >= MIN_CREATED_AT_S))
    problems.push('`metadata.created_at` must be a float that records the unix timestamp in seconds when the message was created.');
  if (!(m.ttl > 0)) problems.push('`metadata.ttl` must be higher than zero');
  if (m.createdAt + m.ttl <= now) problems.push('Message TTL has expired');
  if (!m.srcNodeId) problems.push('`metadata.src_node_id` is not set.');
  if (!m.dstNodeId) problems.push('`metadata.dst_node_id` is not set.');
  if (m.messageType === '') problems.push('`metadata.message_type` MUST be set');
  if (body === 'neither' || body === 'both') problems.push('Either message `content` or `error` MUST be set (but not both)');
  if (!isReply) {
    if (m.replyToMessageId !== '') problems.push('`metadata.reply_to_message_id` MUST not be set.');
    if (m.srcNodeId !== SUPERLINK_NODE_ID) problems.push(`\`metadata.src_node_id\` is not ${SUPERLINK_NODE_ID} (SuperLink node ID)`);
    if (m.dstNodeId === SUPERLINK_NODE_ID) problems.push(`\`metadata.dst_node_id\` is ${SUPERLINK_NODE_ID} (SuperLink node ID)`);
  } else {
    if (m.replyToMessageId === '') problems.push('`metadata.reply_to_message_id` MUST be set.');
    if (m.srcNodeId === SUPERLINK_NODE_ID) problems.push(`\`metadata.src_node_id\` is ${SUPERLINK_NODE_ID} (SuperLink node ID)`);
    if (m.dstNodeId !== SUPERLINK_NODE_ID) problems.push(`\`metadata.dst_node_id\` is not ${SUPERLINK_NODE_ID} (SuperLink node ID)`);
  }
  return problems;
}

/**
 * The reply rules `store_message_res` adds once the instruction is known: same run, and the reply must not
 * outlive its instruction (created_at + ttl within the instruction's, up to Flower's tolerance).
 */
export function replyConsistencyProblems(reply: MessageMetadata, instruction: MessageMetadata): string[] {
  const problems: string[] = [];
  if (reply.runId !== instruction.runId) problems.push(`\`metadata.run_id\` ${reply.runId} is not the instruction's ${instruction.runId}`);
  const maxTtl = instruction.createdAt + instruction.ttl - reply.createdAt;
  if (reply.ttl - maxTtl > MESSAGE_TTL_TOLERANCE_S)
    problems.push(`TTL ${reply.ttl.toFixed(2)} s exceeds the allowed maximum ${maxTtl.toFixed(2)} s (the instruction's expiry)`);
  return problems;
}
