/**
 * The on-disk form of a `SimulationCheckpoint`: one self-checking binary blob, so a checkpoint is
 * written with one atomic rename and a truncated or damaged file is recognised before any of it
 * is used.
 *
 *   "FLCKPT1\n" | u32 LE header length | header JSON (UTF-8) | float32 LE payload
 *
 * The header holds the round, the caller's metadata (config, hash, records, …), where each array
 * of each section lies in the payload, and the payload's length and SHA-256.
 */
import { createHash } from 'node:crypto';
import { sizeOf, type ArrayRecord } from '../arrays.js';
import type { SimulationCheckpoint } from './simulation.js';

const MAGIC = Buffer.from('FLCKPT1\n', 'latin1');
const SECTIONS = ['global', 'clientStates', 'aggregatorState'] as const;
type Section = (typeof SECTIONS)[number];

interface ArrayPlace {
  readonly key: string;
  readonly shape: readonly number[];
  /** Offset in float32 elements from the start of the payload. */
  readonly offset: number;
}

interface CheckpointHeader {
  readonly format: 1;
  readonly round: number;
  readonly meta: unknown;
  readonly sections: Partial<Record<Section, readonly ArrayPlace[]>>;
  readonly payloadBytes: number;
  readonly payloadSha256: string;
}

/** A checkpoint file that cannot be read: names the file and what is wrong with it. */
export class CheckpointFileError extends Error {
  override readonly name = 'CheckpointFileError';
}

/** Encode a checkpoint and JSON-serialisable `meta` into the bytes of one checkpoint file. */
export function encodeCheckpoint(checkpoint: SimulationCheckpoint, meta: unknown): Buffer {
  const sections: Partial<Record<Section, ArrayPlace[]>> = {};
  let floats = 0;
  for (const section of SECTIONS) {
    const record = checkpoint[section];
    if (record === undefined) continue;
    sections[section] = Object.entries(record).map(([key, entry]) => {
      const place = { key, shape: [...entry.shape], offset: floats };
      floats += entry.data.length;
      return place;
    });
  }
  const payload = new Float32Array(floats);
  for (const section of SECTIONS) {
    const record = checkpoint[section];
    for (const place of sections[section] ?? []) payload.set(record![place.key]!.data, place.offset);
  }
  const payloadBytes = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  const header: CheckpointHeader = {
    format: 1,
    round: checkpoint.round,
    meta,
    sections,
    payloadBytes: payloadBytes.length,
    payloadSha256: createHash('sha256').update(payloadBytes).digest('hex'),
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(headerBytes.length);
  return Buffer.concat([MAGIC, length, headerBytes, payloadBytes]);
}

/**
 * Decode checkpoint file bytes; `source` names the file in errors. Throws CheckpointFileError for
 * a file that is not a checkpoint, is cut short, or whose arrays do not match their checksum.
 */
export function decodeCheckpoint(bytes: Uint8Array, source: string): { checkpoint: SimulationCheckpoint; meta: unknown } {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (why: string): never => {
    throw new CheckpointFileError(`Checkpoint ${source} is unusable: ${why}`);
  };
  if (buf.length < MAGIC.length + 4 || !buf.subarray(0, MAGIC.length).equals(MAGIC)) fail('not a FedLoGe.ts checkpoint file');
  const headerLength = buf.readUInt32LE(MAGIC.length);
  const headerStart = MAGIC.length + 4;
  if (buf.length < headerStart + headerLength)
    fail(`cut short (${buf.length} bytes, the header alone needs ${headerStart + headerLength})`);
  let header: CheckpointHeader;
  try {
    header = JSON.parse(buf.subarray(headerStart, headerStart + headerLength).toString('utf8')) as CheckpointHeader;
  } catch (e) {
    return fail(`its header is not valid JSON (${(e as Error).message})`);
  }
  if (header.format !== 1) fail(`format ${String(header.format)} is not supported (expected 1)`);
  const payload = buf.subarray(headerStart + headerLength);
  if (payload.length !== header.payloadBytes) {
    fail(`its arrays take ${payload.length} bytes but the header promises ${header.payloadBytes} (an interrupted copy?)`);
  }
  if (createHash('sha256').update(payload).digest('hex') !== header.payloadSha256)
    fail('its arrays do not match their SHA-256 (damaged file)');

  // Copy out of the file buffer: float32 views need 4-byte alignment, and records must not pin the file.
  const floats = new Float32Array(payload.length / 4);
  new Uint8Array(floats.buffer).set(payload);
  const read = (places: readonly ArrayPlace[]): ArrayRecord => {
    const out: ArrayRecord = {};
    for (const p of places) {
      const n = sizeOf(p.shape);
      if (p.offset < 0 || p.offset + n > floats.length) fail(`array '${p.key}' lies outside the payload`);
      out[p.key] = { shape: [...p.shape], data: floats.slice(p.offset, p.offset + n) };
    }
    return out;
  };
  const { global, clientStates, aggregatorState } = header.sections;
  if (global === undefined || clientStates === undefined) fail('the global model or the client states are missing');
  const checkpoint: SimulationCheckpoint = {
    round: header.round,
    global: read(global!),
    clientStates: read(clientStates!),
    ...(aggregatorState ? { aggregatorState: read(aggregatorState) } : {}),
  };
  return { checkpoint, meta: header.meta };
}
