import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SafetensorsFile, readSafetensors, readSafetensorsMetadata, writeSafetensors } from './safetensors.js';

const dir = mkdtempSync(join(tmpdir(), 'safetensors-'));

/** A file from a header object and a data buffer, as another writer would lay it out. */
function rawFile(name: string, header: unknown, data: Uint8Array, pad = 0): string {
  const json = Buffer.concat([Buffer.from(JSON.stringify(header)), Buffer.alloc(pad, 0x20)]);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.byteLength));
  const path = join(dir, name);
  writeFileSync(path, Buffer.concat([length, json, data]));
  return path;
}

describe('safetensors', () => {
  it('writes the layout of the format: u64 LE header length, 8-aligned JSON header, LE float32 data', async () => {
    const path = join(dir, 'a.safetensors');
    await writeSafetensors(
      path,
      { 'w.x': { shape: [2, 1], data: new Float32Array([1.5, -2]) }, b: { shape: [1], data: new Float32Array([3]) } },
      { format: 't' },
    );
    const bytes = readFileSync(path);
    const n = Number(bytes.readBigUInt64LE(0));
    expect(n % 8).toBe(0);
    const header = JSON.parse(bytes.subarray(8, 8 + n).toString());
    expect(header).toEqual({
      __metadata__: { format: 't' },
      'w.x': { dtype: 'F32', shape: [2, 1], data_offsets: [0, 8] },
      b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] },
    });
    expect(bytes.readFloatLE(8 + n)).toBe(1.5);
    expect(bytes.readFloatLE(8 + n + 8)).toBe(3);
    expect(bytes.byteLength).toBe(8 + n + 12);
    const back = await readSafetensors(path);
    expect(back.metadata).toEqual({ format: 't' });
    expect(Array.from(back.tensors['w.x']!.data)).toEqual([1.5, -2]);
    expect(readSafetensorsMetadata(path)).toEqual({ format: 't' });
  });

  it('reads tensors by name whatever their order in the data, and scalars and empty tensors', async () => {
    const data = new Uint8Array(new Float32Array([7, 8, 9]).buffer);
    const path = rawFile(
      'b.safetensors',
      {
        z: { dtype: 'F32', shape: [], data_offsets: [8, 12] },
        a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
        e: { dtype: 'F32', shape: [0, 3], data_offsets: [12, 12] },
      },
      data,
      5,
    );
    const { tensors, metadata } = await readSafetensors(path);
    expect(metadata).toEqual({});
    expect(Array.from(tensors['a']!.data)).toEqual([7, 8]);
    expect(Array.from(tensors['z']!.data)).toEqual([9]);
    expect(tensors['e']!.shape).toEqual([0, 3]);
  });

  it('refuses files that break the rules, saying which', async () => {
    const four = new Uint8Array(4);
    const cases: [string, unknown, Uint8Array, RegExp][] = [
      [
        'gap',
        { a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } },
        new Uint8Array(8),
        /starts at byte 4 .* previous tensor ends at 0/,
      ],
      ['tail', { a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, new Uint8Array(8), /end at byte 4 .* holds 8 data bytes/],
      ['size', { a: { dtype: 'F32', shape: [2], data_offsets: [0, 4] } }, four, /needs 8 bytes but its data_offsets \[0, 4\] span 4/],
      ['dtype', { a: { dtype: 'F33', shape: [1], data_offsets: [0, 4] } }, four, /unknown dtype "F33"/],
      ['meta', { __metadata__: { n: 1 }, a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, four, /only string values/],
    ];
    for (const [name, header, data, message] of cases) {
      await expect(SafetensorsFile.open(rawFile(`${name}.safetensors`, header, data)), name).rejects.toThrow(message);
    }
    const short = join(dir, 'short.safetensors');
    writeFileSync(short, Buffer.from([200, 0, 0, 0, 0, 0, 0, 0, 0x7b]));
    await expect(SafetensorsFile.open(short)).rejects.toThrow(/header length 200 runs past the file's 9 bytes/);
  });

  it('reads only F32 tensors and names a missing one', async () => {
    const f = await SafetensorsFile.open(
      rawFile('h.safetensors', { h: { dtype: 'F16', shape: [2], data_offsets: [0, 4] } }, new Uint8Array(4)),
    );
    await expect(f.read(['h'])).rejects.toThrow(/'h' is F16; models are read as F32 \(in PyTorch, save tensor.float\(\)\)/);
    await expect(f.read(['nope'])).rejects.toThrow(/holds no tensor 'nope'/);
  });
});
