import { dtypeFromDescr, dtypeInfo } from './dtype.js';
import { arrayBytes, elementCount, type FleetArray, fleetArray } from './fleet-array.js';

// The .npy format as numpy's `np.save` writes it (format 1.0): magic "\x93NUMPY", version bytes 1 0,
// a little-endian uint16 header length, then a Python-literal dict with keys sorted ('descr', 'fortran_order',
// 'shape'), padded with spaces and ended with '\n' so that the data starts on a 64-byte boundary. Since
// numpy 1.23 the dict is followed by spare spaces (21 minus the digits of the first dimension) so a writer
// can grow that axis in place; they are part of the bytes and therefore of Flower's object ids.

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93 N U M P Y
const ALIGN = 64;
const GROWTH_AXIS_MAX_DIGITS = 21;

/** Python's repr() of a tuple of ints. */
function pythonTupleRepr(shape: readonly number[]): string {
  if (shape.length === 1) return `(${shape[0]},)`;
  return `(${shape.join(', ')})`;
}

/** The header bytes (magic through the final newline) numpy writes for this dtype and shape. */
export function npyHeader(array: Pick<FleetArray, 'dtype' | 'shape'>): Uint8Array {
  let dict = `{'descr': '${dtypeInfo(array.dtype).descr}', 'fortran_order': False, 'shape': ${pythonTupleRepr(array.shape)}, }`;
  if (array.shape.length > 0) dict += ' '.repeat(GROWTH_AXIS_MAX_DIGITS - String(array.shape[0]).length);
  const withNewline = dict.length + 1;
  const prefixBytes = MAGIC.length + 2 + 2;
  const pad = ALIGN - ((prefixBytes + withNewline) % ALIGN);
  const headerLen = withNewline + pad;
  if (headerLen > 0xffff) throw new Error(`.npy header of ${headerLen} bytes does not fit format 1.0`);
  const out = new Uint8Array(prefixBytes + headerLen);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  out[8] = headerLen & 0xff;
  out[9] = headerLen >> 8;
  const text = dict + ' '.repeat(pad) + '\n';
  for (let i = 0; i < text.length; i++) out[prefixBytes + i] = text.charCodeAt(i);
  return out;
}

/** Encode an array as the bytes of a .npy file (what `np.save(buf, a, allow_pickle=False)` produces). */
export function encodeNpy(array: FleetArray): Uint8Array {
  const header = npyHeader(array);
  const body = arrayBytes(array);
  const out = new Uint8Array(header.length + body.length);
  out.set(header, 0);
  out.set(body, header.length);
  return out;
}

function parseHeaderDict(text: string): { descr: string; fortranOrder: boolean; shape: number[] } {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new Error(`malformed .npy header: ${JSON.stringify(text.trim())}`);
  }
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => Number.parseInt(s.replace(/L$/, ''), 10));
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new Error(`malformed .npy shape (${shapeText})`);
  return { descr, fortranOrder: fortran === 'True', shape };
}

/**
 * Decode the bytes of a .npy file (format 1.0, 2.0 or 3.0; little-endian, C order). The data are copied unless
 * `{ adopt: true }` says the caller hands `bytes` over (then, when aligned, the array views them).
 */
export function decodeNpy(bytes: Uint8Array, options: { readonly adopt?: boolean } = {}): FleetArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw new Error('not .npy bytes: the "\\x93NUMPY" magic is missing');
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerStart: number;
  let headerLen: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    headerLen = view.getUint32(8, true);
    headerStart = 12;
  } else {
    throw new Error(`unsupported .npy format version ${String(major)}.${String(bytes[7])}`);
  }
  const dataStart = headerStart + headerLen;
  if (dataStart > bytes.length)
    throw new Error(`truncated .npy: header claims ${headerLen} bytes, only ${bytes.length - headerStart} present`);
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, dataStart));
  const header = parseHeaderDict(text);
  if (header.fortranOrder) throw new Error('Fortran-ordered .npy arrays are not supported (save a C-contiguous array)');
  const dtype = dtypeFromDescr(header.descr);
  const info = dtypeInfo(dtype);
  const count = elementCount(header.shape);
  const dataBytes = count * info.itemBytes;
  if (bytes.length - dataStart !== dataBytes) {
    throw new Error(`.npy data of shape (${header.shape.join(', ')}) ${dtype} needs ${dataBytes} bytes, got ${bytes.length - dataStart}`);
  }
  const offset = bytes.byteOffset + dataStart;
  if (options.adopt && offset % info.itemBytes === 0) return fleetArray(dtype, header.shape, info.view(bytes.buffer, offset, count));
  // Copy into a fresh buffer so the typed array is aligned and independent of the (possibly shared) input.
  // (Not bytes.slice(): on a Node Buffer, slice returns a view into the shared pool.)
  const copy = new Uint8Array(dataBytes);
  copy.set(bytes.subarray(dataStart));
  return fleetArray(dtype, header.shape, info.view(copy.buffer, 0, count));
}
