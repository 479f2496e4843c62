import type { FleetArray } from './fleet-array.js';

/**
 * Values of a MetricRecord. `number` travels as a double; `bigint` as an integer (sint64, or uint64 above
 * 2^63 - 1), because Flower (Python) tells ints from floats. Decoded integers come back as `bigint`.
 */
export type MetricValue = number | bigint | number[] | bigint[];

/** Values of a ConfigRecord: metric values plus booleans, strings and bytes (and lists of them). */
export type ConfigValue = MetricValue | boolean | string | Uint8Array | boolean[] | string[] | Uint8Array[];

/**
 * Named arrays as they travel (Flower's ArrayRecord: keys = parameter names, any dtype). Insertion order is kept and
 * matters for ids. Named apart from core's `ArrayRecord` (float32 model state) and the generated protobuf message:
 * the cli's network boundary (fleet-records.ts) converts once each way between this and core's.
 */
export interface FleetArrayRecord {
  readonly kind: 'array';
  readonly arrays: Map<string, FleetArray>;
}

export interface MetricRecord {
  readonly kind: 'metric';
  readonly values: Map<string, MetricValue>;
}

export interface ConfigRecord {
  readonly kind: 'config';
  readonly values: Map<string, ConfigValue>;
}

export type FleetRecord = FleetArrayRecord | MetricRecord | ConfigRecord;

/** A message's content: named records (Flower's conventions: "arrays", "metrics", "config"). */
export type RecordDict = Map<string, FleetRecord>;

type Entries<V> = Iterable<readonly [string, V]> | Readonly<Record<string, V>>;

function toMap<V>(entries: Entries<V>): Map<string, V> {
  if (Symbol.iterator in entries) return new Map(entries as Iterable<readonly [string, V]>);
  return new Map(Object.entries(entries as Record<string, V>));
}

export function arrayRecord(entries: Entries<FleetArray> = []): FleetArrayRecord {
  return { kind: 'array', arrays: toMap(entries) };
}

export function metricRecord(entries: Entries<MetricValue> = []): MetricRecord {
  return { kind: 'metric', values: toMap(entries) };
}

export function configRecord(entries: Entries<ConfigValue> = []): ConfigRecord {
  return { kind: 'config', values: toMap(entries) };
}

export function recordDict(entries: Entries<FleetRecord> = []): RecordDict {
  return toMap(entries);
}
