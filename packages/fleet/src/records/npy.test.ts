import { describe, expect, it } from 'vitest';
import { pythonMissing, runPython } from '../__fixtures__/python.js';
import { fleetArray } from './fleet-array.js';
import { decodeNpy, encodeNpy } from './npy.js';

describe('.npy encoding', () => {
  it('writes the format-1.0 header numpy documents, padded to 64 bytes', () => {
    const bytes = encodeNpy(fleetArray('float32', [2, 3], new Float32Array([1, 2, 3, 4, 5, 6])));
    const headerLen = bytes[8]! | (bytes[9]! << 8);
    expect([...bytes.subarray(0, 8)]).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    expect((10 + headerLen) % 64).toBe(0);
    const header = Buffer.from(bytes.subarray(10, 10 + headerLen)).toString('latin1');
    // Hand-written: dict, 21 - len("2") growth spaces, then padding and a newline.
    expect(header.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }" + ' '.repeat(20))).toBe(true);
    expect(header.endsWith(' \n')).toBe(true);
    expect(bytes.length).toBe(10 + headerLen + 24);
    expect(new Float32Array(bytes.slice(10 + headerLen).buffer)).toEqual(new Float32Array([1, 2, 3, 4, 5, 6]));
  });

  it('writes shapes () and (n,) as Python tuples', () => {
    const scalarBytes = encodeNpy(fleetArray('float64', [], new Float64Array([2.5])));
    const scalar = Buffer.from(scalarBytes).toString('latin1');
    expect(scalar).toContain("'shape': (), }");
    // No growth spaces for 0-d arrays: the 55-character dict + newline + 10 prefix bytes pad up to 128.
    expect(scalarBytes[8]! | (scalarBytes[9]! << 8)).toBe(128 - 10);
    const vector = Buffer.from(encodeNpy(fleetArray('int64', [3], new BigInt64Array([1n, -2n, 3n])))).toString('latin1');
    expect(vector).toContain("'descr': '<i8'");
    expect(vector).toContain("'shape': (3,), }");
  });

  it('decodes what it encodes, for every dtype and empty arrays', () => {
    const cases = [
      fleetArray('float32', [0], new Float32Array(0)),
      fleetArray('uint8', [2, 2], new Uint8Array([0, 1, 254, 255])),
      fleetArray('bool', [3], new Uint8Array([1, 0, 1])),
      fleetArray('int32', [1, 1, 2], new Int32Array([-7, 7])),
      fleetArray('uint64', [1], new BigUint64Array([(1n << 64n) - 1n])),
    ];
    for (const a of cases) {
      const back = decodeNpy(encodeNpy(a));
      expect(back.dtype).toBe(a.dtype);
      expect(back.shape).toEqual(a.shape);
      expect([...back.data]).toEqual([...a.data]);
    }
  });

  it('decodes from a Node Buffer view of a shared pool without picking up neighbouring bytes', () => {
    const npy = encodeNpy(fleetArray('float32', [3], new Float32Array([1.5, -2, 3])));
    const pooled = Buffer.allocUnsafe(npy.length + 8); // small Buffers come from a shared slab
    pooled.fill(0xaa);
    pooled.set(npy, 3);
    const back = decodeNpy(pooled.subarray(3, 3 + npy.length));
    expect([...back.data]).toEqual([1.5, -2, 3]);
  });

  it('refuses truncated data, big-endian and Fortran order with a clear error', () => {
    const bytes = encodeNpy(fleetArray('float32', [4], new Float32Array(4)));
    expect(() => decodeNpy(bytes.subarray(0, bytes.length - 1))).toThrow(/needs 16 bytes, got 15/);
    const bigEndian = Buffer.from(bytes);
    bigEndian.write('>f4', bigEndian.indexOf('<f4'), 'latin1');
    expect(() => decodeNpy(bigEndian)).toThrow(/only little-endian/);
    const fortran = Buffer.from(bytes);
    fortran.write('True ', fortran.indexOf('False'), 'latin1');
    expect(() => decodeNpy(fortran)).toThrow(/Fortran/);
  });

  const missing = pythonMissing(['numpy']);
  it.skipIf(missing !== undefined)(`matches np.save byte for byte${missing ? ` (skipped: ${missing})` : ''}`, () => {
    const arrays = [
      fleetArray(
        'float32',
        [2, 3, 4, 5],
        Float32Array.from({ length: 120 }, (_, i) => i * 0.5 - 7),
      ),
      fleetArray('float64', [], new Float64Array([Math.PI])),
      fleetArray(
        'int64',
        [7],
        BigInt64Array.from({ length: 7 }, (_, i) => BigInt(i) * -3n),
      ),
      fleetArray(
        'uint8',
        [1234567],
        Uint8Array.from({ length: 1234567 }, (_, i) => i % 251),
      ),
      fleetArray('float32', [0, 3], new Float32Array(0)),
      fleetArray('bool', [2], new Uint8Array([1, 0])),
      fleetArray('int32', [3, 1], new Int32Array([1, 2, 3])),
    ];
    const specs = JSON.stringify(
      arrays.map((a) => ({ dtype: a.dtype, shape: a.shape, data: Buffer.from(a.data.buffer).toString('base64') })),
    );
    const out = runPython(
      `import sys, json, base64, io, numpy as np
for s in json.loads(sys.stdin.read()):
    a = np.frombuffer(base64.b64decode(s['data']), dtype=s['dtype']).reshape(s['shape'])
    b = io.BytesIO(); np.save(b, a, allow_pickle=False)
    print(base64.b64encode(b.getvalue()).decode())`,
      specs,
    )
      .toString()
      .trim()
      .split('\n');
    arrays.forEach((a, i) => expect(Buffer.from(encodeNpy(a)).toString('base64')).toBe(out[i]));
  });
});
