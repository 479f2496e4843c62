import { fromBinary } from '@bufbuild/protobuf';
import { MessageSchema } from '../gen/flwr/proto/message_pb.js';
import { ConfigRecordSchema, MetricRecordSchema } from '../gen/flwr/proto/recorddict_pb.js';
import type { FleetMessage } from '../message.js';
import { isArrayDType } from '../records/dtype.js';
import type { FleetArray } from '../records/fleet-array.js';
import { decodeNpy } from '../records/npy.js';
import {
  type FleetArrayRecord,
  arrayRecord,
  type ConfigRecord,
  configRecord,
  type FleetRecord,
  type MetricRecord,
  metricRecord,
  type RecordDict,
} from '../records/record-dict.js';
import { STYPE_NUMPY } from './deflate.js';
import { metadataFromProto } from './metadata-proto.js';
import { type ObjectType, type ParsedObject, parseObject } from './object-content.js';
import { parseOrderedStringMap } from './python-json.js';
import { configValueFromProto, metricValueFromProto } from './record-values.js';

/** Rebuilds objects from their bytes, checking every id, type, and that heads and bodies agree. */
class ObjectReader {
  constructor(
    private readonly objects: ReadonlyMap<string, Uint8Array>,
    private readonly verifyIds: boolean,
  ) {}

  read(id: string, expected: readonly ObjectType[]): ParsedObject {
    const content = this.objects.get(id);
    if (content === undefined) throw new Error(`object ${id} is missing`);
    const parsed = parseObject(content, this.verifyIds ? id : undefined);
    if (!expected.includes(parsed.type)) throw new Error(`object ${id} is a ${parsed.type}, expected ${expected.join(' or ')}`);
    return parsed;
  }

  /** A name -> child id map body whose values must be exactly the head's children. */
  private refs(id: string, obj: ParsedObject): Map<string, string> {
    const refs = parseOrderedStringMap(new TextDecoder().decode(obj.body));
    const named = new Set(refs.values());
    const heads = new Set(obj.childIds);
    if (named.size !== heads.size || [...named].some((c) => !heads.has(c))) {
      throw new Error(`${obj.type} ${id}: its body names other children than its head`);
    }
    return refs;
  }

  array(id: string): FleetArray {
    const obj = this.read(id, ['Array']);
    const meta = JSON.parse(new TextDecoder().decode(obj.body)) as {
      dtype?: unknown;
      shape?: unknown;
      stype?: unknown;
      arraychunk_ids?: unknown;
    };
    if (meta.stype !== STYPE_NUMPY) throw new Error(`Array ${id} has stype '${String(meta.stype)}'; only '${STYPE_NUMPY}' can be decoded`);
    if (typeof meta.dtype !== 'string' || !isArrayDType(meta.dtype))
      throw new Error(`Array ${id} has unsupported dtype '${String(meta.dtype)}'`);
    if (!Array.isArray(meta.shape) || !Array.isArray(meta.arraychunk_ids)) throw new Error(`Array ${id} lacks shape or arraychunk_ids`);
    const parts = (meta.arraychunk_ids as unknown[]).map((i) => {
      const childId = typeof i === 'number' ? obj.childIds[i] : undefined;
      if (childId === undefined) throw new Error(`Array ${id}: chunk index ${String(i)} is not one of its ${obj.childIds.length} children`);
      return this.read(childId, ['ArrayChunk']).body;
    });
    if (new Set((meta.arraychunk_ids as number[]).map((i) => obj.childIds[i])).size !== obj.childIds.length) {
      throw new Error(`Array ${id}: its head names chunks its body never uses`);
    }
    let array: FleetArray;
    if (parts.length === 1) {
      array = decodeNpy(parts[0] as Uint8Array); // copies: the object bytes may be shared
    } else {
      const npy = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      let at = 0;
      for (const p of parts) {
        npy.set(p, at);
        at += p.length;
      }
      array = decodeNpy(npy, { adopt: true }); // npy is ours: view it instead of copying again
    }
    const shape = meta.shape as unknown[];
    if (array.dtype !== meta.dtype || array.shape.length !== shape.length || array.shape.some((d, i) => d !== shape[i])) {
      throw new Error(
        `Array ${id}: header says ${meta.dtype}[${shape.join(', ')}], the .npy data are ${array.dtype}[${array.shape.join(', ')}]`,
      );
    }
    return array;
  }

  arrayRecord(id: string, obj: ParsedObject): FleetArrayRecord {
    const cache = new Map<string, FleetArray>();
    const entries: [string, FleetArray][] = [];
    for (const [name, childId] of this.refs(id, obj)) {
      let a = cache.get(childId);
      if (a === undefined) cache.set(childId, (a = this.array(childId)));
      entries.push([name, a]);
    }
    return arrayRecord(entries);
  }

  metricRecord(obj: ParsedObject): MetricRecord {
    if (obj.childIds.length > 0) throw new Error('a MetricRecord has no children');
    const p = fromBinary(MetricRecordSchema, obj.body);
    return metricRecord(
      p.items.map((it) => {
        if (!it.value) throw new Error(`metric '${it.key}' carries no value`);
        return [it.key, metricValueFromProto(it.key, it.value)];
      }),
    );
  }

  configRecord(obj: ParsedObject): ConfigRecord {
    if (obj.childIds.length > 0) throw new Error('a ConfigRecord has no children');
    const p = fromBinary(ConfigRecordSchema, obj.body);
    return configRecord(
      p.items.map((it) => {
        if (!it.value) throw new Error(`config '${it.key}' carries no value`);
        return [it.key, configValueFromProto(it.key, it.value)];
      }),
    );
  }

  record(id: string): FleetRecord {
    const obj = this.read(id, ['ArrayRecord', 'MetricRecord', 'ConfigRecord']);
    if (obj.type === 'ArrayRecord') return this.arrayRecord(id, obj);
    if (obj.type === 'MetricRecord') return this.metricRecord(obj);
    return this.configRecord(obj);
  }

  recordDict(id: string): RecordDict {
    const obj = this.read(id, ['RecordDict']);
    const out: RecordDict = new Map();
    for (const [name, childId] of this.refs(id, obj)) out.set(name, this.record(childId));
    return out;
  }
}

/**
 * Rebuild a message from its objects (e.g. pulled from the link), verifying every object id on the way
 * (`idsVerified: true` skips the hashing when the caller already checked each id on arrival).
 * `messageId` is the id of the Message object; it becomes metadata.messageId.
 */
export function inflateMessage(
  messageId: string,
  objects: ReadonlyMap<string, Uint8Array>,
  options: { readonly idsVerified?: boolean } = {},
): FleetMessage {
  const reader = new ObjectReader(objects, !options.idsVerified);
  const obj = reader.read(messageId, ['Message']);
  const proto = fromBinary(MessageSchema, obj.body);
  if (!proto.metadata) throw new Error(`Message ${messageId} has no metadata`);
  const metadata = { ...metadataFromProto(proto.metadata), messageId };
  if (proto.error) {
    if (obj.childIds.length > 0) throw new Error(`Message ${messageId} carries an error and children`);
    return { metadata, error: { code: Number(proto.error.code), reason: proto.error.reason } };
  }
  const [contentId, ...extra] = obj.childIds;
  if (contentId === undefined || extra.length > 0) throw new Error(`Message ${messageId} must have exactly one RecordDict child`);
  return { metadata, content: reader.recordDict(contentId) };
}
