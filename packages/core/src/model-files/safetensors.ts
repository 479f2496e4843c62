/**
 * The safetensors file format (https://github.com/huggingface/safetensors), float32 only, so that
 * other tools (PyTorch, JAX, the `safetensors` package) read our models:
 *
 *   8 bytes     N, the header length, unsigned little-endian 64-bit
 *   N bytes     UTF-8 JSON: { "<name>": { "dtype": "F32", "shape": [...], "data_offsets": [begin, end] },
 *               "__metadata__": { string: string } }, padded with spaces to a multiple of 8 bytes
 *   the rest    the tensors' little-endian bytes; offsets are relative to the end of the header, and
 *               the tensors fill this buffer with neither gaps nor overlaps (the format's rules)
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { open, writeFile } from 'node:fs/promises';
import { sizeOf, type ArrayRecord } from '../arrays.js';

const METADATA_KEY = '__metadata__';
/** A header larger than this is not a model of ours (the official reader's limit is 100 MB). */
const MAX_HEADER_BYTES = 100_000_000;

/** One tensor as the header describes it. */
export interface SafetensorsEntry {
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly dataOffsets: readonly [number, number];
}

/** Write `tensors` (in their key order) and `metadata` to `path` as a safetensors file. */
export async function writeSafetensors(path: string, tensors: ArrayRecord, metadata: Readonly<Record<string, string>>): Promise<void> {
  const header: Record<string, unknown> = { [METADATA_KEY]: { ...metadata } };
  let end = 0;
  for (const [name, entry] of Object.entries(tensors)) {
    if (name === METADATA_KEY) throw new RangeError(`writeSafetensors: '${METADATA_KEY}' is reserved and cannot name a tensor`);
    if (entry.data.length !== sizeOf(entry.shape)) {
      throw new RangeError(
        `writeSafetensors: '${name}' holds ${entry.data.length} values but its shape [${entry.shape.join(', ')}] needs ${sizeOf(entry.shape)}`,
      );
    }
    const begin = end;
    end += entry.data.length * 4;
    header[name] = { dtype: 'F32', shape: [...entry.shape], data_offsets: [begin, end] };
  }
  let json = Buffer.from(JSON.stringify(header), 'utf8');
  // Pad with spaces so the data starts 8-byte aligned, as the official writer does.
  const padded = Math.ceil(json.byteLength / 8) * 8;
  if (padded !== json.byteLength) json = Buffer.concat([json, Buffer.alloc(padded - json.byteLength, 0x20)]);
  const out = new Uint8Array(8 + json.byteLength + end);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(json.byteLength), true);
  out.set(json, 8);
  const base = 8 + json.byteLength;
  for (const [name, entry] of Object.entries(tensors)) {
    const [begin] = (header[name] as { data_offsets: [number, number] }).data_offsets;
    const data = entry.data;
    for (let i = 0; i < data.length; i++) view.setFloat32(base + begin + i * 4, data[i]!, true);
  }
  await writeFile(path, out);
}

/**
 * An open safetensors file: its header is read and checked against the format's rules at open, and
 * tensors are read one at a time, so a caller that needs a few does not read the whole file.
 */
export class SafetensorsFile {
  private constructor(
    readonly path: string,
    readonly metadata: Readonly<Record<string, string>>,
    readonly entries: ReadonlyMap<string, SafetensorsEntry>,
    private readonly dataStart: number,
  ) {}

  /** Open and check `path`; errors say which rule the file breaks. */
  static async open(path: string): Promise<SafetensorsFile> {
    const file = await open(path, 'r');
    try {
      const size = (await file.stat()).size;
      const bad = (why: string): Error => new Error(`${path} is not a valid safetensors file: ${why}`);
      if (size < 8) throw bad(`it has ${size} bytes, fewer than the 8 of the header length`);
      const lengthBytes = Buffer.alloc(8);
      await file.read(lengthBytes, 0, 8, 0);
      const headerLength = Number(lengthBytes.readBigUInt64LE(0));
      if (headerLength > MAX_HEADER_BYTES || 8 + headerLength > size)
        throw bad(`its header length ${headerLength} runs past the file's ${size} bytes`);
      const headerBytes = Buffer.alloc(headerLength);
      await file.read(headerBytes, 0, headerLength, 8);
      let header: Record<string, unknown>;
      try {
        header = JSON.parse(headerBytes.toString('utf8')) as Record<string, unknown>;
      } catch (e) {
        throw bad(`its header is not JSON (${(e as Error).message})`);
      }
      if (header === null || typeof header !== 'object' || Array.isArray(header)) throw bad('its header is not a JSON object');
      const metadata = parseMetadata(header[METADATA_KEY], bad);
      const entries = new Map<string, SafetensorsEntry>();
      for (const [name, value] of Object.entries(header)) {
        if (name !== METADATA_KEY) entries.set(name, parseEntry(name, value, bad));
      }
      checkCoverage(entries, size - 8 - headerLength, bad);
      return new SafetensorsFile(path, metadata, entries, 8 + headerLength);
    } finally {
      await file.close();
    }
  }

  /** The tensors named `names` as float32 arrays; a missing name or a non-F32 tensor is an error. */
  async read(names: readonly string[]): Promise<ArrayRecord> {
    const file = await open(this.path, 'r');
    try {
      const out: ArrayRecord = {};
      for (const name of names) {
        const entry = this.entries.get(name);
        if (!entry)
          throw new Error(`${this.path} holds no tensor '${name}'; it has ${this.entries.size} others (e.g. ${this.someNames()})`);
        if (entry.dtype !== 'F32') {
          throw new Error(`${this.path}: tensor '${name}' is ${entry.dtype}; models are read as F32 (in PyTorch, save tensor.float())`);
        }
        const [begin, end] = entry.dataOffsets;
        const bytes = Buffer.alloc(end - begin);
        await file.read(bytes, 0, bytes.byteLength, this.dataStart + begin);
        const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        const data = new Float32Array(bytes.byteLength / 4);
        for (let i = 0; i < data.length; i++) data[i] = view.getFloat32(i * 4, true);
        out[name] = { shape: [...entry.shape], data };
      }
      return out;
    } finally {
      await file.close();
    }
  }

  private someNames(): string {
    return [...this.entries.keys()].slice(0, 3).join(', ');
  }
}

/** Open `path` and read every tensor (small files and tests). */
export async function readSafetensors(path: string): Promise<{ metadata: Readonly<Record<string, string>>; tensors: ArrayRecord }> {
  const file = await SafetensorsFile.open(path);
  return { metadata: file.metadata, tensors: await file.read([...file.entries.keys()]) };
}

/** Only the `__metadata__` of `path` (synchronous, header only: for a quick look at a file's format). */
export function readSafetensorsMetadata(path: string): Readonly<Record<string, string>> {
  const fd = openSync(path, 'r');
  try {
    const bad = (why: string): Error => new Error(`${path} is not a valid safetensors file: ${why}`);
    const lengthBytes = Buffer.alloc(8);
    if (readSync(fd, lengthBytes, 0, 8, 0) !== 8) throw bad('it is shorter than the 8 bytes of the header length');
    const headerLength = Number(lengthBytes.readBigUInt64LE(0));
    if (headerLength > MAX_HEADER_BYTES) throw bad(`its header length ${headerLength} is too large`);
    const headerBytes = Buffer.alloc(headerLength);
    if (readSync(fd, headerBytes, 0, headerLength, 8) !== headerLength) throw bad(`its header length ${headerLength} runs past the end`);
    let header: Record<string, unknown>;
    try {
      header = JSON.parse(headerBytes.toString('utf8')) as Record<string, unknown>;
    } catch (e) {
      throw bad(`its header is not JSON (${(e as Error).message})`);
    }
    return parseMetadata(header?.[METADATA_KEY], bad);
  } finally {
    closeSync(fd);
  }
}

const DTYPE_BYTES: Readonly<Record<string, number>> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
};

function parseMetadata(value: unknown, bad: (why: string) => Error): Record<string, string> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw bad(`'${METADATA_KEY}' is not an object`);
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw bad(`'${METADATA_KEY}.${k}' is a ${typeof v}; the format allows only string values`);
  }
  return value as Record<string, string>;
}

function parseEntry(name: string, value: unknown, bad: (why: string) => Error): SafetensorsEntry {
  const e = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | null;
  if (e === null || typeof e !== 'object') throw bad(`tensor '${name}' is not an object`);
  const dtype = e.dtype;
  if (typeof dtype !== 'string' || DTYPE_BYTES[dtype] === undefined)
    throw bad(`tensor '${name}' has an unknown dtype ${JSON.stringify(dtype)}`);
  const shape = e.shape;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0))
    throw bad(`tensor '${name}' has a shape ${JSON.stringify(shape)} that is not a list of non-negative integers`);
  const offsets = e.data_offsets;
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && (o as number) >= 0))
    throw bad(`tensor '${name}' has data_offsets ${JSON.stringify(offsets)}, not [begin, end]`);
  const [begin, end] = offsets as [number, number];
  const expected = sizeOf(shape as number[]) * DTYPE_BYTES[dtype]!;
  if (end - begin !== expected)
    throw bad(
      `tensor '${name}' (${dtype} [${shape.join(', ')}]) needs ${expected} bytes but its data_offsets [${begin}, ${end}] span ${end - begin}`,
    );
  return { dtype, shape: shape as number[], dataOffsets: [begin, end] };
}

/** The format's rule: the tensors tile the data buffer exactly. */
function checkCoverage(entries: ReadonlyMap<string, SafetensorsEntry>, bufferBytes: number, bad: (why: string) => Error): void {
  const sorted = [...entries].sort((a, b) => a[1].dataOffsets[0] - b[1].dataOffsets[0] || a[1].dataOffsets[1] - b[1].dataOffsets[1]);
  let at = 0;
  for (const [name, { dataOffsets }] of sorted) {
    if (dataOffsets[0] !== at)
      throw bad(`tensor '${name}' starts at byte ${dataOffsets[0]} of the data but the previous tensor ends at ${at}`);
    at = dataOffsets[1];
  }
  if (at !== bufferBytes) throw bad(`its tensors end at byte ${at} of the data but the file holds ${bufferBytes} data bytes`);
}
