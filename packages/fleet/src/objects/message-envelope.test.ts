import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { MessageSchema } from '../gen/flwr/proto/message_pb.js';
import type { MessageMetadata } from '../message.js';
import { envelopeBody, messageEnvelope, messageEnvelopeProblems, replyConsistencyProblems } from './message-envelope.js';

const NOW = 1_800_000_000;
const instruction: MessageMetadata = {
  runId: 7n,
  messageId: 'a'.repeat(64),
  srcNodeId: 1n,
  dstNodeId: 99n,
  replyToMessageId: '',
  groupId: '3',
  ttl: 600,
  messageType: 'train',
  createdAt: NOW - 10,
};
const reply: MessageMetadata = {
  ...instruction,
  messageId: 'b'.repeat(64),
  srcNodeId: 99n,
  dstNodeId: 1n,
  replyToMessageId: instruction.messageId,
  ttl: 590,
  createdAt: NOW,
};

describe('the inline Message envelope', () => {
  it('marks content with an empty RecordDict (field 2, zero length) and errors with Error only', () => {
    const withContent = toBinary(MessageSchema, messageEnvelope(instruction));
    // Field 2, wire type 2 (0x12), length 0, after the metadata: the bytes Python's protobuf writes for content=RecordDict().
    expect(Buffer.from(withContent.subarray(-2)).toString('hex')).toBe('1200');
    expect(envelopeBody(fromBinary(MessageSchema, withContent))).toBe('content');
    const withError = fromBinary(MessageSchema, toBinary(MessageSchema, messageEnvelope(reply, { code: 3, reason: 'no' })));
    expect(envelopeBody(withError)).toBe('error');
    expect(withError.content).toBeUndefined();
  });

  it("passes valid instructions and replies, and names each of Flower's rules a bad one breaks", () => {
    expect(messageEnvelopeProblems({ metadata: instruction, body: 'content', isReply: false, now: NOW })).toEqual([]);
    expect(messageEnvelopeProblems({ metadata: reply, body: 'error', isReply: true, now: NOW })).toEqual([]);
    const bad = messageEnvelopeProblems({
      metadata: { ...reply, messageId: '', createdAt: 1_000, ttl: 0, srcNodeId: 1n, dstNodeId: 5n, replyToMessageId: '', messageType: '' },
      body: 'neither',
      isReply: true,
      now: NOW,
    });
    expect(bad).toEqual([
      'empty `metadata.message_id`',
      '`metadata.created_at` must be a float that records the unix timestamp in seconds when the message was created.',
      '`metadata.ttl` must be higher than zero',
      'Message TTL has expired',
      '`metadata.message_type` MUST be set',
      'Either message `content` or `error` MUST be set (but not both)',
      '`metadata.reply_to_message_id` MUST be set.',
      '`metadata.src_node_id` is 1 (SuperLink node ID)',
      '`metadata.dst_node_id` is not 1 (SuperLink node ID)',
    ]);
    expect(messageEnvelopeProblems({ metadata: reply, body: 'content', isReply: false, now: NOW })).toEqual([
      '`metadata.reply_to_message_id` MUST not be set.',
      '`metadata.src_node_id` is not 1 (SuperLink node ID)',
      '`metadata.dst_node_id` is 1 (SuperLink node ID)',
    ]);
  });

  it('refuses a reply that outlives its instruction beyond 0.1 s, or names another run', () => {
    expect(replyConsistencyProblems(reply, instruction)).toEqual([]);
    expect(replyConsistencyProblems({ ...reply, ttl: 590.09 }, instruction)).toEqual([]);
    expect(replyConsistencyProblems({ ...reply, ttl: 590.2 }, instruction)[0]).toMatch(/exceeds the allowed maximum 590.00 s/);
    expect(replyConsistencyProblems({ ...reply, runId: 8n }, instruction)[0]).toMatch(/run_id/);
  });
});
