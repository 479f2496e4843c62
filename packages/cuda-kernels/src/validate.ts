/**
 * Argument checks for the kernel wrappers, in the style of sharp's `invalidParameterError`: every message names the
 * function, the argument, what was expected and what was received, so the C++ side can trust its inputs.
 */

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (ArrayBuffer.isView(value)) {
    const ctor = (value as object).constructor.name;
    return 'length' in value ? `${ctor} of length ${(value as unknown as ArrayLike<unknown>).length}` : ctor;
  }
  if (Array.isArray(value)) return `Array of length ${value.length}`;
  return `${String(value)} of type ${typeof value}`;
}

/** TypeError "Expected <expected> for <fn>(<name>) but received <actual>". */
export function invalidArgument(fn: string, name: string, expected: string, actual: unknown): TypeError {
  return new TypeError(`Expected ${expected} for ${fn}(${name}) but received ${describe(actual)}`);
}

/** Asserts a Float32Array whose elements are all finite, optionally of an exact length. */
export function assertFiniteFloat32(fn: string, name: string, value: unknown, length?: number): asserts value is Float32Array {
  if (!(value instanceof Float32Array)) throw invalidArgument(fn, name, 'a Float32Array', value);
  if (length !== undefined && value.length !== length) {
    throw new RangeError(`Expected ${length} elements in ${fn}(${name}) but received ${value.length}`);
  }
  for (let i = 0; i < value.length; i++) {
    if (!Number.isFinite(value[i])) {
      throw new RangeError(`Expected finite values in ${fn}(${name}) but ${name}[${i}] = ${value[i]}`);
    }
  }
}

/** Asserts a writable output buffer of exactly `length` float32 elements. */
export function assertOutput(fn: string, name: string, value: unknown, length: number): asserts value is Float32Array {
  if (!(value instanceof Float32Array)) throw invalidArgument(fn, name, 'a Float32Array', value);
  if (value.length !== length) {
    throw new RangeError(`Expected ${length} elements in ${fn}(${name}) (the result's length) but received ${value.length}`);
  }
}

/** Asserts a positive safe integer that fits int32 (a dimension). */
export function assertPositiveInt(fn: string, name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 0x7fffffff) {
    throw invalidArgument(fn, name, 'a positive integer', value);
  }
}

/** Asserts a finite number. */
export function assertFiniteNumber(fn: string, name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidArgument(fn, name, 'a finite number', value);
}

/** Returns length / divisor, or throws RangeError when the array does not hold whole rows of `divisor` elements. */
export function rowsOf(fn: string, name: string, length: number, divisor: number, shape: string): number {
  if (length % divisor !== 0) {
    throw new RangeError(
      `Expected ${fn}(${name}) to hold whole rows of ${shape} = ${divisor} elements but its length ${length} is not a multiple of ${divisor}`,
    );
  }
  const rows = length / divisor;
  if (rows > 0x7fffffff) throw new RangeError(`${fn}(${name}) has ${rows} rows; at most 2^31 − 1 are supported`);
  return rows;
}
