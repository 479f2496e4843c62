import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FASHION_MNIST_DIR } from './__fixtures__/real-data.js';
import { parseIdx } from './idx.js';

/** An IDX file built by hand: magic 00 00 08 <rank>, big-endian dims, payload. */
function idx(rank: number, dims: number[], payload: number[], type = 0x08): Uint8Array {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = type;
  header[3] = rank;
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return new Uint8Array(Buffer.concat([header, Buffer.from(payload)]));
}

describe('parseIdx', () => {
  it('reads dimensions big-endian and returns the payload as a view', () => {
    const bytes = idx(3, [2, 1, 3], [1, 2, 3, 4, 5, 6]);
    const parsed = parseIdx(bytes, 'x', 3);
    expect(parsed.dims).toEqual([2, 1, 3]);
    expect(Array.from(parsed.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(parsed.data.buffer).toBe(bytes.buffer);
    expect(parsed.data.constructor).toBe(Uint8Array);
  });

  it.each([
    // each case must be rejected, with a message naming the file and the problem
    [
      'a non-zero first magic byte',
      (() => {
        const b = idx(1, [2], [0, 1]);
        b[0] = 1;
        return b;
      })(),
      1,
      /bad IDX magic number 01 00 08 01/,
    ],
    ['a float payload (type 0x0D)', idx(1, [2], [0, 0, 0, 0, 0, 0, 0, 0], 0x0d), 1, /data type 0x0d is not supported/],
    ['an image file where labels are expected', idx(3, [1, 1, 1], [7]), 1, /rank 3 but rank 1 was expected/],
    ['a payload one byte short', idx(1, [3], [0, 1]), 1, /need 3 data bytes but the file has 2/],
    ['a payload one byte long', idx(1, [3], [0, 1, 2, 3]), 1, /need 3 data bytes but the file has 4/],
    ['a header cut inside the dimensions', idx(3, [1, 1, 1], []).subarray(0, 9), 3, /truncated IDX header/],
    ['fewer than 4 bytes', new Uint8Array([0, 0]), 1, /too short/],
  ])('rejects %s', (_what, bytes, rank, message) => {
    expect(() => parseIdx(bytes, 'some/file', rank)).toThrow(message);
    expect(() => parseIdx(bytes, 'some/file', rank)).toThrow(/^some\/file: /);
  });

  it('parses the official Fashion-MNIST test images header: 10000 × 28 × 28', () => {
    const bytes = gunzipSync(readFileSync(join(FASHION_MNIST_DIR, 't10k-images-idx3-ubyte.gz')));
    // Magic 0x00000803 = unsigned bytes, rank 3 (LeCun's format description).
    expect(bytes.readUInt32BE(0)).toBe(0x803);
    const parsed = parseIdx(bytes, 't10k-images', 3);
    expect(parsed.dims).toEqual([10000, 28, 28]);
    expect(parsed.data.length).toBe(10000 * 28 * 28);
  });
});
