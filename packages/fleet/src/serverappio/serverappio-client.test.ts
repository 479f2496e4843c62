/**
 * What the ServerApp side builds before any call: instructions as Flower's GrpcGrid builds them
 * (run id, source node 1, id = the Message object's id, Flower's validate_message rules), and the
 * app heartbeat's schedule. Calls against Flower's own servicer: test/flower/serverapp.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_TTL_S, SUPERLINK_NODE_ID } from '../message.js';
import { deflateMessage } from '../objects/deflate.js';
import { inflateMessage } from '../objects/inflate.js';
import { arrayRecord, configRecord, recordDict } from '../records/record-dict.js';
import { fleetArray } from '../records/fleet-array.js';
import { appHeartbeatDelayS } from './app-heartbeat.js';
import { prepareInstruction } from './serverappio-client.js';

const content = recordDict({
  arrays: arrayRecord({ w: fleetArray('float32', [2, 3], Float32Array.from([1, 2, 3, 4, 5, 6])) }),
  config: configRecord({ 'server-round': 2n }),
});
const NOW = 1_765_000_000; // December 2025, after Flower's created_at floor

describe('prepareInstruction', () => {
  it('addresses the node from node 1, ids the message by its Message object, and keeps the content in the objects', () => {
    const p = prepareInstruction(77n, { dstNodeId: 42n, messageType: 'train', groupId: '2', content }, undefined, NOW);
    const m = p.envelope.metadata!;
    expect([m.runId, m.srcNodeId, m.dstNodeId, m.replyToMessageId, m.groupId, m.messageType, m.ttl, m.createdAt]).toEqual([
      77n,
      SUPERLINK_NODE_ID,
      42n,
      '',
      '2',
      'train',
      DEFAULT_TTL_S,
      NOW,
    ]);
    // The inline envelope carries the empty-content marker; the records travel as objects.
    expect(p.envelope.content?.items).toEqual([]);
    expect(p.envelope.error).toBeUndefined();
    // The id is what Flower computes from the object (message id blanked inside it) and the tree root.
    const again = deflateMessage({ metadata: { ...metadataOf(p), messageId: '' }, content });
    expect(p.messageId).toBe(again.messageId);
    expect(p.tree.objectId).toBe(p.messageId);
    expect(m.messageId).toBe(p.messageId);
    const back = inflateMessage(p.messageId, p.objects);
    expect(back.content?.get('config')).toEqual(content.get('config'));
  });

  it('refuses what Flower’s validate_message refuses for an instruction, naming the rule', () => {
    const base = { dstNodeId: 42n, messageType: 'train', groupId: '1', content };
    expect(() => prepareInstruction(1n, { ...base, dstNodeId: SUPERLINK_NODE_ID }, undefined, NOW)).toThrow(
      /dst_node_id` is 1 \(SuperLink node ID\)/,
    );
    expect(() => prepareInstruction(1n, { ...base, messageType: '' }, undefined, NOW)).toThrow(/message_type` MUST be set/);
    expect(() => prepareInstruction(1n, { ...base, ttlS: 0 }, undefined, NOW)).toThrow(/ttl` must be higher than zero/);
  });
});

describe('appHeartbeatDelayS', () => {
  it('is Flower’s (30 s − 5 s call timeout) × (0.8 ± 0.1)', () => {
    expect(appHeartbeatDelayS(() => 0.5)).toBeCloseTo(20, 10);
    expect(appHeartbeatDelayS(() => 0)).toBeCloseTo(25 * 0.7, 10);
    expect(appHeartbeatDelayS(() => 1)).toBeCloseTo(25 * 0.9, 10);
  });
});

function metadataOf(p: ReturnType<typeof prepareInstruction>) {
  const m = p.envelope.metadata!;
  return {
    runId: m.runId,
    messageId: m.messageId,
    srcNodeId: m.srcNodeId,
    dstNodeId: m.dstNodeId,
    replyToMessageId: m.replyToMessageId,
    groupId: m.groupId,
    ttl: m.ttl,
    messageType: m.messageType,
    createdAt: m.createdAt,
  };
}
