import { create } from '@bufbuild/protobuf';
import {
  type ConfigRecordValue,
  ConfigRecordValueSchema,
  type MetricRecordValue,
  MetricRecordValueSchema,
} from '../gen/flwr/proto/recorddict_pb.js';
import type { ConfigValue, MetricValue } from '../records/record-dict.js';

// How record values map to the protobuf unions, following Flower's rules: Python `float` -> double, `int` ->
// sint64 unless above the int64 range (then uint64); a list takes the list kind of its elements (uint list if
// any element is above int64). Here `number` plays Python's float and `bigint` its int. An empty list matches
// the first kind Flower tries: a double list in metrics, a bool list in configs.

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);
const UINT64_MAX = (1n << 64n) - 1n;

function checkInteger(v: bigint, key: string): void {
  if (v < INT64_MIN || v > UINT64_MAX) throw new Error(`record value '${key}' = ${v} is outside the 64-bit integer range`);
}

type NumericCase =
  | { case: 'double'; value: number }
  | { case: 'sint64'; value: bigint }
  | { case: 'uint64'; value: bigint }
  | { case: 'doubleList'; value: { vals: number[] } }
  | { case: 'sintList'; value: { vals: bigint[] } }
  | { case: 'uintList'; value: { vals: bigint[] } };

function numericCase(key: string, value: unknown, emptyListIsDouble: boolean): NumericCase | undefined {
  if (typeof value === 'number') return { case: 'double', value };
  if (typeof value === 'bigint') {
    checkInteger(value, key);
    return value > INT64_MAX ? { case: 'uint64', value } : { case: 'sint64', value };
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return emptyListIsDouble ? { case: 'doubleList', value: { vals: [] } } : undefined;
    if (value.every((v) => typeof v === 'number')) return { case: 'doubleList', value: { vals: value as number[] } };
    if (value.every((v) => typeof v === 'bigint')) {
      const vals = value as bigint[];
      vals.forEach((v) => checkInteger(v, key));
      return vals.some((v) => v > INT64_MAX) ? { case: 'uintList', value: { vals } } : { case: 'sintList', value: { vals } };
    }
  }
  return undefined;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return `a list of ${[...new Set(value.map((v) => typeof v))].join('/') || 'nothing'}`;
  return typeof value;
}

export function metricValueToProto(key: string, value: MetricValue): MetricRecordValue {
  const c = numericCase(key, value, true);
  if (!c) throw new Error(`metric '${key}' holds ${describe(value)}; metrics take number, bigint or a list of one of them`);
  return create(MetricRecordValueSchema, { value: c });
}

export function configValueToProto(key: string, value: ConfigValue): ConfigRecordValue {
  if (typeof value === 'boolean') return create(ConfigRecordValueSchema, { value: { case: 'bool', value } });
  if (typeof value === 'string') return create(ConfigRecordValueSchema, { value: { case: 'string', value } });
  if (value instanceof Uint8Array) return create(ConfigRecordValueSchema, { value: { case: 'bytes', value } });
  if (Array.isArray(value)) {
    if (value.length === 0) return create(ConfigRecordValueSchema, { value: { case: 'boolList', value: { vals: [] } } });
    if (value.every((v) => typeof v === 'boolean'))
      return create(ConfigRecordValueSchema, { value: { case: 'boolList', value: { vals: value as boolean[] } } });
    if (value.every((v) => typeof v === 'string'))
      return create(ConfigRecordValueSchema, { value: { case: 'stringList', value: { vals: value as string[] } } });
    if (value.every((v) => v instanceof Uint8Array))
      return create(ConfigRecordValueSchema, { value: { case: 'bytesList', value: { vals: value as Uint8Array[] } } });
  }
  const c = numericCase(key, value, false);
  if (!c)
    throw new Error(
      `config '${key}' holds ${describe(value)}; configs take number, bigint, boolean, string, Uint8Array or a list of one kind`,
    );
  return create(ConfigRecordValueSchema, { value: c });
}

export function metricValueFromProto(key: string, proto: MetricRecordValue): MetricValue {
  const v = proto.value;
  switch (v.case) {
    case 'double':
    case 'sint64':
    case 'uint64':
      return v.value;
    case 'doubleList':
    case 'sintList':
    case 'uintList':
      return [...v.value.vals] as MetricValue;
    default:
      throw new Error(`metric '${key}' carries no value`);
  }
}

export function configValueFromProto(key: string, proto: ConfigRecordValue): ConfigValue {
  const v = proto.value;
  if (v.case === undefined) throw new Error(`config '${key}' carries no value`);
  if (v.case.endsWith('List')) return [...(v.value as { vals: unknown[] }).vals] as ConfigValue;
  return v.value as ConfigValue;
}
