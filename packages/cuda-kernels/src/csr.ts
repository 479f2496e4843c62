import type { CsrMatrix } from './types.js';
import { assertFiniteFloat32, assertPositiveInt, invalidArgument, rowsOf } from './validate.js';

/**
 * Compresses a dense row-major [rows × cols] matrix into CSR, keeping entries with |x| > `dropBelow`
 * (default: exact zeros are dropped). Used for sparse projection matrices (FedLoGe's sparse ETF head has ~60 % zeros).
 */
export function denseToCsr(dense: Float32Array, cols: number, dropBelow = 0): CsrMatrix {
  const fn = 'denseToCsr';
  assertPositiveInt(fn, 'cols', cols);
  assertFiniteFloat32(fn, 'dense', dense);
  if (!(dropBelow >= 0)) throw invalidArgument(fn, 'dropBelow', 'a non-negative number', dropBelow);
  const rows = rowsOf(fn, 'dense', dense.length, cols, 'cols');
  const rowPtr = new Int32Array(rows + 1);
  let nnz = 0;
  for (let i = 0; i < dense.length; i++) if (Math.abs(dense[i]!) > dropBelow) nnz++;
  const colIdx = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  let k = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = dense[r * cols + c]!;
      if (Math.abs(v) > dropBelow) {
        colIdx[k] = c;
        values[k] = v;
        k++;
      }
    }
    rowPtr[r + 1] = k;
  }
  return { rows, cols, rowPtr, colIdx, values };
}

/** Expands a CSR matrix back to dense row-major [rows × cols] (duplicates, if any, are summed). */
export function csrToDense(s: CsrMatrix): Float32Array {
  assertCsr('csrToDense', 's', s);
  const dense = new Float32Array(s.rows * s.cols);
  for (let r = 0; r < s.rows; r++) {
    for (let j = s.rowPtr[r]!; j < s.rowPtr[r + 1]!; j++) dense[r * s.cols + s.colIdx[j]!]! += s.values[j]!;
  }
  return dense;
}

/** Asserts a structurally valid CSR matrix with finite values and positive dimensions. */
export function assertCsr(fn: string, name: string, s: unknown): asserts s is CsrMatrix {
  if (typeof s !== 'object' || s === null) throw invalidArgument(fn, name, 'a CSR matrix {rows, cols, rowPtr, colIdx, values}', s);
  const m = s as Partial<CsrMatrix>;
  assertPositiveInt(fn, `${name}.rows`, m.rows);
  assertPositiveInt(fn, `${name}.cols`, m.cols);
  if (!(m.rowPtr instanceof Int32Array)) throw invalidArgument(fn, `${name}.rowPtr`, 'an Int32Array', m.rowPtr);
  if (!(m.colIdx instanceof Int32Array)) throw invalidArgument(fn, `${name}.colIdx`, 'an Int32Array', m.colIdx);
  if (m.rowPtr.length !== m.rows + 1) {
    throw new RangeError(`Expected ${name}.rows + 1 = ${m.rows + 1} elements in ${fn}(${name}.rowPtr) but received ${m.rowPtr.length}`);
  }
  if (m.rowPtr[0] !== 0) throw new RangeError(`${fn}(${name}.rowPtr): rowPtr[0] must be 0 but is ${m.rowPtr[0]}`);
  for (let r = 0; r < m.rows; r++) {
    if (m.rowPtr[r + 1]! < m.rowPtr[r]!) {
      throw new RangeError(`${fn}(${name}.rowPtr): offsets must not decrease, but rowPtr[${r + 1}] < rowPtr[${r}]`);
    }
  }
  const nnz = m.rowPtr[m.rows]!;
  assertFiniteFloat32(fn, `${name}.values`, m.values, nnz);
  if (m.colIdx.length !== nnz) {
    throw new RangeError(`Expected rowPtr[rows] = ${nnz} elements in ${fn}(${name}.colIdx) but received ${m.colIdx.length}`);
  }
  for (let j = 0; j < nnz; j++) {
    const c = m.colIdx[j]!;
    if (c < 0 || c >= m.cols) {
      throw new RangeError(`${fn}(${name}.colIdx): colIdx[${j}] = ${c} is outside [0, ${name}.cols = ${m.cols})`);
    }
  }
}
