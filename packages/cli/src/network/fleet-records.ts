/**
 * `MessageContent` (our plain view) ↔ `@fedloge/fleet`'s `RecordDict`. Arrays travel as float32
 * (our ArrayRecords hold only float32); integer keys (rounds, client ids, example counts) travel
 * as integers, since Python tells `int` from `float` and Flower's strategies expect ints there.
 */
import { arrayRecord, configRecord, fleetArray, metricRecord, recordDict, type FleetRecord, type RecordDict } from '@fedloge/fleet';
import type { ArrayRecord } from '@fedloge/core';
import { KEY, MessageFormatError, type ConfigValue, type MessageContent } from './task-messages.js';

/** Keys whose values are integers on the wire. */
const INTEGER_KEYS: ReadonlySet<string> = new Set([KEY.round, KEY.clientId, KEY.numExamples]);

const wireNumber = (key: string, v: number): number | bigint => (INTEGER_KEYS.has(key) && Number.isSafeInteger(v) ? BigInt(v) : v);

export function toRecordDict(content: MessageContent): RecordDict {
  const entries: [string, FleetRecord][] = [];
  for (const [name, record] of Object.entries(content.arrays)) {
    entries.push([name, arrayRecord(Object.entries(record).map(([k, a]) => [k, fleetArray('float32', a.shape, a.data)] as const))]);
  }
  for (const [name, record] of Object.entries(content.metrics)) {
    entries.push([name, metricRecord(Object.entries(record).map(([k, v]) => [k, wireNumber(k, v)] as const))]);
  }
  for (const [name, record] of Object.entries(content.configs)) {
    entries.push([name, configRecord(Object.entries(record).map(([k, v]) => [k, typeof v === 'number' ? wireNumber(k, v) : v] as const))]);
  }
  return recordDict(entries);
}

/**
 * The records we understand: float arrays (float64 arrays from Python are narrowed to float32),
 * scalar metrics and scalar configs. Lists and bytes are skipped; other array dtypes are refused.
 */
export function fromRecordDict(dict: RecordDict): MessageContent {
  const arrays: Record<string, ArrayRecord> = {};
  const metrics: Record<string, Record<string, number>> = {};
  const configs: Record<string, Record<string, ConfigValue>> = {};
  for (const [name, record] of dict) {
    if (record.kind === 'array') {
      const out: ArrayRecord = {};
      for (const [key, a] of record.arrays) {
        let data: Float32Array;
        if (a.data instanceof Float32Array) data = a.data;
        else if (a.dtype === 'float64') data = Float32Array.from(a.data as Float64Array);
        else
          throw new MessageFormatError(`array '${key}' in record '${name}' is ${a.dtype}; fedloge models take float32 (or float64) arrays`);
        out[key] = { shape: [...a.shape], data };
      }
      arrays[name] = out;
    } else if (record.kind === 'metric') {
      const out: Record<string, number> = {};
      for (const [key, v] of record.values) if (typeof v === 'number' || typeof v === 'bigint') out[key] = Number(v);
      metrics[name] = out;
    } else {
      const out: Record<string, ConfigValue> = {};
      for (const [key, v] of record.values) {
        if (typeof v === 'bigint') out[key] = Number(v);
        else if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') out[key] = v;
      }
      configs[name] = out;
    }
  }
  return { arrays, metrics, configs };
}
