/**
 * Parser for the IDX format of MNIST and Fashion-MNIST (LeCun et al., http://yann.lecun.com/exdb/mnist/):
 * a 4-byte magic number `00 00 <type> <rank>`, `rank` big-endian uint32 dimensions, then the data
 * in row-major order. Only unsigned-byte data (type 0x08) occurs in these data sets.
 */

/** A parsed IDX array of unsigned bytes. */
export interface IdxArray {
  readonly dims: readonly number[];
  /** A plain Uint8Array view into the input buffer (no copy). */
  readonly data: Uint8Array;
}

const UNSIGNED_BYTE = 0x08;

/**
 * Parse an IDX buffer, checking the magic number, the expected rank and that the payload is exactly
 * as long as the dimensions say. `source` names the file in errors.
 */
export function parseIdx(bytes: Uint8Array, source: string, expectedRank: number): IdxArray {
  if (bytes.length < 4) throw new Error(`${source}: ${bytes.length} bytes is too short for an IDX header`);
  const magic = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new Error(`${source}: bad IDX magic number ${magic} (must start with 00 00); this is not an IDX file`);
  }
  if (bytes[2] !== UNSIGNED_BYTE) {
    throw new Error(`${source}: IDX data type 0x${magic.slice(6, 8)} is not supported (expected 0x08, unsigned byte)`);
  }
  const rank = bytes[3]!;
  if (rank !== expectedRank) {
    throw new Error(`${source}: IDX magic ${magic} has rank ${rank} but rank ${expectedRank} was expected`);
  }
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) throw new Error(`${source}: truncated IDX header (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let size = 1;
  for (let i = 0; i < rank; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    dims.push(d);
    size *= d;
  }
  const payload = bytes.length - headerBytes;
  if (payload !== size) {
    throw new Error(
      `${source}: IDX dimensions [${dims.join(', ')}] need ${size} data bytes but the file has ${payload}; ` +
        'the file is truncated or corrupt',
    );
  }
  return { dims, data: new Uint8Array(bytes.buffer, bytes.byteOffset + headerBytes, size) };
}
