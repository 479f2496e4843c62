/**
 * Our ServerAppIo schema against Flower 1.26's published wire contract: the gRPC paths of the methods
 * and, for every request we send, the field numbers and wire types on the wire (read back with a
 * protobuf reader written here, not with the generated code). Flower's own servicer parsing these
 * bytes is test/flower/serverapp.test.ts.
 */
import { create, toBinary, type DescMessage, type MessageInitShape } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import {
  ContextSchema,
  PullAppMessagesRequestSchema,
  PushAppMessagesRequestSchema,
  PushAppOutputsRequestSchema,
} from '../gen/flwr/proto/appio_pb.js';
import { SendAppHeartbeatRequestSchema, UpdateRunStatusRequestSchema } from '../gen/flwr/proto/serverappio_pb.js';
import { PushLogsRequestSchema } from '../gen/flwr/proto/log_pb.js';
import { PullObjectRequestSchema } from '../gen/flwr/proto/message_pb.js';
import { SERVERAPPIO_CODECS } from './serverappio-service.js';

/** Top-level fields of a protobuf message: [field number, wire type, raw value]. */
function fields(bytes: Uint8Array): [number, number, bigint | Uint8Array][] {
  const out: [number, number, bigint | Uint8Array][] = [];
  let i = 0;
  const varint = (): bigint => {
    let v = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const b = bytes[i++]!;
      v |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return v;
    }
  };
  while (i < bytes.length) {
    const key = Number(varint());
    const [num, type] = [key >>> 3, key & 7];
    if (type === 0) out.push([num, type, varint()]);
    else if (type === 2) {
      const len = Number(varint());
      out.push([num, type, bytes.subarray(i, i + len)]);
      i += len;
    } else throw new Error(`unexpected wire type ${type}`);
  }
  return out;
}

const text = (v: bigint | Uint8Array) => new TextDecoder().decode(v as Uint8Array);
const encode = <D extends DescMessage>(d: D, init: MessageInitShape<D>) => toBinary(d, create(d, init));

describe('ServerAppIo wire contract (Flower 1.26)', () => {
  it('serves every method a ServerApp process calls under /flwr.proto.ServerAppIo/<Flower name>', () => {
    expect(
      Object.values(SERVERAPPIO_CODECS)
        .map((c) => c.path)
        .sort(),
    ).toEqual(
      [
        'ConfirmMessageReceived',
        'GetNodes',
        'GetRun',
        'ListAppsToLaunch',
        'PullAppInputs',
        'PullMessages',
        'PullObject',
        'PushAppOutputs',
        'PushLogs',
        'PushMessages',
        'PushObject',
        'RequestToken',
        'SendAppHeartbeat',
        'UpdateRunStatus',
      ].map((m) => `/flwr.proto.ServerAppIo/${m}`),
    );
  });

  it('PushAppMessagesRequest: token 1, messages_list 2, run_id 3, message_object_trees 4', () => {
    const f = fields(
      encode(PushAppMessagesRequestSchema, {
        token: 'tk',
        messagesList: [{ metadata: { runId: 9n } }],
        runId: 300n,
        messageObjectTrees: [{ objectId: 'ab' }],
      }),
    );
    expect(f.map(([n, t]) => [n, t])).toEqual([
      [1, 2],
      [2, 2],
      [3, 0],
      [4, 2],
    ]);
    expect(text(f[0]![2])).toBe('tk');
    expect(f[2]![2]).toBe(300n);
    // ObjectTree.object_id is field 1; Message.metadata field 1 with Metadata.run_id field 1.
    expect(fields(f[3]![2] as Uint8Array)).toEqual([[1, 2, new TextEncoder().encode('ab')]]);
    expect(fields(fields(f[1]![2] as Uint8Array)[0]![2] as Uint8Array)).toEqual([[1, 0, 9n]]);
  });

  it('PullAppMessagesRequest: message_ids 2, run_id 3 (token 1 unused by a ServerApp)', () => {
    const f = fields(encode(PullAppMessagesRequestSchema, { messageIds: ['x', 'y'], runId: 7n }));
    expect(f.map(([n, t, v]) => [n, t, typeof v === 'bigint' ? v : text(v)])).toEqual([
      [2, 2, 'x'],
      [2, 2, 'y'],
      [3, 0, 7n],
    ]);
  });

  it('PushAppOutputsRequest: token 1, run_id 2, context 3; Context: run_id 1, node_id 2, node_config 3, state 4, run_config 5', () => {
    const context = {
      runId: 5n,
      nodeId: 1n,
      nodeConfig: { a: { scalar: { case: 'bool' as const, value: true } } },
      state: {},
      runConfig: { b: { scalar: { case: 'string' as const, value: 's' } } },
    };
    const f = fields(encode(PushAppOutputsRequestSchema, { token: 't', runId: 5n, context }));
    expect(f.map(([n, t]) => [n, t])).toEqual([
      [1, 2],
      [2, 0],
      [3, 2],
    ]);
    expect(fields(encode(ContextSchema, context)).map(([n, t]) => [n, t])).toEqual([
      [1, 0],
      [2, 0],
      [3, 2],
      [4, 2],
      [5, 2],
    ]);
  });

  it('UpdateRunStatusRequest: run_id 1, run_status 2 (status 1, sub_status 2, details 3); SendAppHeartbeatRequest: token 1', () => {
    const f = fields(
      encode(UpdateRunStatusRequestSchema, { runId: 3n, runStatus: { status: 'finished', subStatus: 'failed', details: 'why' } }),
    );
    expect(f.map(([n, t]) => [n, t])).toEqual([
      [1, 0],
      [2, 2],
    ]);
    expect(fields(f[1]![2] as Uint8Array).map(([n, , v]) => [n, text(v)])).toEqual([
      [1, 'finished'],
      [2, 'failed'],
      [3, 'why'],
    ]);
    expect(fields(encode(SendAppHeartbeatRequestSchema, { token: 'hb' })).map(([n, t, v]) => [n, t, text(v)])).toEqual([[1, 2, 'hb']]);
  });

  it('PushLogsRequest: node 1, run_id 2, logs 3 (repeated)', () => {
    const f = fields(encode(PushLogsRequestSchema, { node: { nodeId: 0n }, runId: 8n, logs: ['a\n', 'b'] }));
    expect(f.map(([n, t, v]) => [n, t, n === 3 ? text(v) : null])).toEqual([
      [1, 2, null],
      [2, 0, null],
      [3, 2, 'a\n'],
      [3, 2, 'b'],
    ]);
  });

  it('PullObjectRequest as the ServerApp sends it: node 1 (node_id 1 = SUPERLINK_NODE_ID), run_id 2, object_id 3', () => {
    const f = fields(encode(PullObjectRequestSchema, { node: { nodeId: 1n }, runId: 4n, objectId: 'cd' }));
    expect(f.map(([n, t]) => [n, t])).toEqual([
      [1, 2],
      [2, 0],
      [3, 2],
    ]);
    expect(fields(f[0]![2] as Uint8Array)).toEqual([[1, 0, 1n]]);
  });
});
