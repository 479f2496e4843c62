import { create, toBinary } from '@bufbuild/protobuf';
import { ErrorSchema } from '../gen/flwr/proto/error_pb.js';
import { MessageSchema } from '../gen/flwr/proto/message_pb.js';
import { ConfigRecordSchema, MetricRecordSchema } from '../gen/flwr/proto/recorddict_pb.js';
import type { FleetMessage } from '../message.js';
import type { FleetArray } from '../records/fleet-array.js';
import { arrayBytes } from '../records/fleet-array.js';
import { npyHeader } from '../records/npy.js';
import type { ConfigRecord, FleetArrayRecord, FleetRecord, MetricRecord, RecordDict } from '../records/record-dict.js';
import { metadataToProto } from './metadata-proto.js';
import { buildObject, objectIdOf, type ObjectTreeNode, type ObjectType } from './object-content.js';
import { pythonJsonDumps } from './python-json.js';
import { configValueToProto, metricValueToProto } from './record-values.js';

/** Flower's largest array chunk (FLWR_PRIVATE_MAX_ARRAY_CHUNK_SIZE): 5 MiB of .npy bytes. */
export const MAX_ARRAY_CHUNK_BYTES = 5 * 1024 * 1024;

/** `numpy.ndarray`: the only array serialisation (stype) Flower's numpy arrays use. */
export const STYPE_NUMPY = 'numpy.ndarray';

/** A message turned into content-addressed objects. */
export interface DeflatedMessage {
  /** Id of the Message object (= the message id on the wire). */
  readonly messageId: string;
  readonly tree: ObjectTreeNode;
  /** Every distinct object, children before parents. */
  readonly objects: ReadonlyMap<string, Uint8Array>;
}

class ObjectSink {
  readonly objects = new Map<string, Uint8Array>();

  add(type: ObjectType, children: readonly ObjectTreeNode[], body: Uint8Array | readonly Uint8Array[]): ObjectTreeNode {
    const content = buildObject(
      type,
      children.map((c) => c.objectId),
      body,
    );
    const objectId = objectIdOf(content);
    if (!this.objects.has(objectId)) this.objects.set(objectId, content);
    return { objectId, children };
  }
}

/** Distinct children in first-occurrence order, as a Python dict keyed by object id keeps them. */
function distinct(nodes: readonly ObjectTreeNode[]): ObjectTreeNode[] {
  const seen = new Map<string, ObjectTreeNode>();
  for (const n of nodes) if (!seen.has(n.objectId)) seen.set(n.objectId, n);
  return [...seen.values()];
}

const utf8 = new TextEncoder();

function deflateArray(sink: ObjectSink, array: FleetArray, chunkBytes: number): ObjectTreeNode {
  // The .npy bytes are header + raw data; each chunk is cut from that virtual concatenation without first
  // materialising it (an 85 MB model is then copied once, into its chunk objects).
  const header = npyHeader(array);
  const data = arrayBytes(array);
  const total = header.length + data.length;
  const slice = (from: number, to: number): Uint8Array[] => {
    const parts: Uint8Array[] = [];
    if (from < header.length) parts.push(header.subarray(from, Math.min(to, header.length)));
    if (to > header.length) parts.push(data.subarray(Math.max(0, from - header.length), to - header.length));
    return parts;
  };
  const chunks: ObjectTreeNode[] = [];
  for (let start = 0; start < total; start += chunkBytes) {
    chunks.push(sink.add('ArrayChunk', [], slice(start, Math.min(start + chunkBytes, total))));
  }
  const unique = distinct(chunks);
  const indexOf = new Map(unique.map((c, i) => [c.objectId, i]));
  // The body lists every chunk in order as an index into the (distinct) child ids of the head.
  const meta = new Map<string, string | number[]>([
    ['dtype', array.dtype],
    ['shape', [...array.shape]],
    ['stype', STYPE_NUMPY],
    ['arraychunk_ids', chunks.map((c) => indexOf.get(c.objectId) ?? -1)],
  ]);
  return sink.add('Array', unique, utf8.encode(pythonJsonDumps(meta)));
}

function deflateRefs(sink: ObjectSink, type: 'ArrayRecord' | 'RecordDict', named: [string, ObjectTreeNode][]): ObjectTreeNode {
  const refs = new Map(named.map(([k, n]) => [k, n.objectId]));
  return sink.add(type, distinct(named.map(([, n]) => n)), utf8.encode(pythonJsonDumps(refs)));
}

function deflateMetricRecord(sink: ObjectSink, record: MetricRecord): ObjectTreeNode {
  const items = [...record.values].map(([key, v]) => ({ key, value: metricValueToProto(key, v) }));
  return sink.add('MetricRecord', [], toBinary(MetricRecordSchema, create(MetricRecordSchema, { items })));
}

function deflateConfigRecord(sink: ObjectSink, record: ConfigRecord): ObjectTreeNode {
  const items = [...record.values].map(([key, v]) => ({ key, value: configValueToProto(key, v) }));
  return sink.add('ConfigRecord', [], toBinary(ConfigRecordSchema, create(ConfigRecordSchema, { items })));
}

function deflateArrayRecord(sink: ObjectSink, record: FleetArrayRecord, chunkBytes: number): ObjectTreeNode {
  const named: [string, ObjectTreeNode][] = [...record.arrays].map(([k, a]) => [k, deflateArray(sink, a, chunkBytes)]);
  return deflateRefs(sink, 'ArrayRecord', named);
}

function deflateRecord(sink: ObjectSink, record: FleetRecord, chunkBytes: number): ObjectTreeNode {
  switch (record.kind) {
    case 'array':
      return deflateArrayRecord(sink, record, chunkBytes);
    case 'metric':
      return deflateMetricRecord(sink, record);
    case 'config':
      return deflateConfigRecord(sink, record);
  }
}

function deflateRecordDict(sink: ObjectSink, content: RecordDict, chunkBytes: number): ObjectTreeNode {
  const named: [string, ObjectTreeNode][] = [...content].map(([k, r]) => [k, deflateRecord(sink, r, chunkBytes)]);
  return deflateRefs(sink, 'RecordDict', named);
}

/** A RecordDict turned into objects; reusable for many messages with the same content (ids do not depend on metadata). */
export interface DeflatedContent {
  readonly tree: ObjectTreeNode;
  /** Every distinct object of the content, children before parents. */
  readonly objects: ReadonlyMap<string, Uint8Array>;
}

export function deflateContent(content: RecordDict, chunkBytes = MAX_ARRAY_CHUNK_BYTES): DeflatedContent {
  if (!(chunkBytes > 0) || chunkBytes > MAX_ARRAY_CHUNK_BYTES)
    throw new Error(`chunkBytes must be in (0, ${MAX_ARRAY_CHUNK_BYTES}], got ${chunkBytes}`);
  const sink = new ObjectSink();
  const tree = deflateRecordDict(sink, content, chunkBytes);
  return { tree, objects: sink.objects };
}

/**
 * Turn a message into Flower's objects: ArrayChunks, Arrays, records, the RecordDict and finally the Message,
 * whose body is the protobuf Message with the metadata (message id blanked) and the error, if any.
 * `deflated` may pass the content already deflated (the same model sent to many nodes is hashed once).
 */
export function deflateMessage(message: FleetMessage, chunkBytes = MAX_ARRAY_CHUNK_BYTES, deflated?: DeflatedContent): DeflatedMessage {
  if ((message.content === undefined) === (message.error === undefined)) {
    throw new Error('a message carries exactly one of content or error');
  }
  const content = message.content !== undefined ? (deflated ?? deflateContent(message.content, chunkBytes)) : undefined;
  const sink = new ObjectSink();
  if (content) for (const [id, bytes] of content.objects) sink.objects.set(id, bytes);
  const body = toBinary(
    MessageSchema,
    create(MessageSchema, {
      metadata: metadataToProto({ ...message.metadata, messageId: '' }),
      error: message.error ? create(ErrorSchema, { code: BigInt(message.error.code), reason: message.error.reason }) : undefined,
    }),
  );
  const tree = sink.add('Message', content ? [content.tree] : [], body);
  return { messageId: tree.objectId, tree, objects: sink.objects };
}
