/** Element types an array may carry, named as numpy's `str(dtype)` names them (what Flower puts in `dtype`). */
export type ArrayDType =
  'float16' | 'float32' | 'float64' | 'int8' | 'int16' | 'int32' | 'int64' | 'uint8' | 'uint16' | 'uint32' | 'uint64' | 'bool';

/** The typed array that holds elements of each dtype (float16 as raw bits, bool as 0/1 bytes). */
export type ArrayData =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array;

interface DTypeInfo {
  /** numpy's array-protocol type string (little-endian; `|` where byte order does not apply). */
  readonly descr: string;
  readonly itemBytes: number;
  /** View `count` elements of little-endian bytes starting at an aligned offset. */
  readonly view: (buffer: ArrayBufferLike, byteOffset: number, count: number) => ArrayData;
}

const DTYPES: Readonly<Record<ArrayDType, DTypeInfo>> = {
  float16: { descr: '<f2', itemBytes: 2, view: (b, o, n) => new Uint16Array(b, o, n) },
  float32: { descr: '<f4', itemBytes: 4, view: (b, o, n) => new Float32Array(b, o, n) },
  float64: { descr: '<f8', itemBytes: 8, view: (b, o, n) => new Float64Array(b, o, n) },
  int8: { descr: '|i1', itemBytes: 1, view: (b, o, n) => new Int8Array(b, o, n) },
  int16: { descr: '<i2', itemBytes: 2, view: (b, o, n) => new Int16Array(b, o, n) },
  int32: { descr: '<i4', itemBytes: 4, view: (b, o, n) => new Int32Array(b, o, n) },
  int64: { descr: '<i8', itemBytes: 8, view: (b, o, n) => new BigInt64Array(b, o, n) },
  uint8: { descr: '|u1', itemBytes: 1, view: (b, o, n) => new Uint8Array(b, o, n) },
  uint16: { descr: '<u2', itemBytes: 2, view: (b, o, n) => new Uint16Array(b, o, n) },
  uint32: { descr: '<u4', itemBytes: 4, view: (b, o, n) => new Uint32Array(b, o, n) },
  uint64: { descr: '<u8', itemBytes: 8, view: (b, o, n) => new BigUint64Array(b, o, n) },
  bool: { descr: '|b1', itemBytes: 1, view: (b, o, n) => new Uint8Array(b, o, n) },
};

export function dtypeInfo(dtype: ArrayDType): DTypeInfo {
  const info = DTYPES[dtype];
  if (!info) throw new Error(`unsupported array dtype '${String(dtype)}'; expected one of ${Object.keys(DTYPES).join(', ')}`);
  return info;
}

export function isArrayDType(name: string): name is ArrayDType {
  return Object.prototype.hasOwnProperty.call(DTYPES, name);
}

/** The dtype whose numpy descr is `descr` ('<' or '=' and '|' accepted alike; big-endian is refused). */
export function dtypeFromDescr(descr: string): ArrayDType {
  const normalised = descr.replace(/^[=|]/, '<');
  for (const [name, info] of Object.entries(DTYPES)) {
    if (info.descr.replace('|', '<') === normalised) return name as ArrayDType;
  }
  throw new Error(`unsupported .npy dtype descr '${descr}' (only little-endian numeric and bool arrays are supported)`);
}
