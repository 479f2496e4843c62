/**
 * Sparse-ETF projection (FedLoGe's SSE-C classifier, a static sparse equiangular-tight-frame head):
 * forward logits = f · Sᵀ + b with S [C × d] in CSR, and its feature gradient gradF = gradLogits · S (S is frozen,
 * so there is no gradient wrt S or b).
 */
import { assertCsr } from './csr.js';
import { resolveNative } from './dispatch.js';
import { etfProjectBackwardImpl, etfProjectForwardImpl } from './etf-project.impl.js';
import type { CsrMatrix, OutputOptions } from './types.js';
import { assertFiniteFloat32, assertOutput, rowsOf } from './validate.js';

/** Options of {@link etfProjectForward}. */
export interface EtfProjectOptions extends OutputOptions {
  /** Per-class bias [C]. @default no bias (zeros) */
  bias?: Float32Array | null;
}

/**
 * logits[B × C] = f[B × d] · Sᵀ + bias. The batch size is f.length / S.cols (B = 0 gives an empty result).
 * @throws TypeError/RangeError on a bad argument (naming it), Error when device 'cuda' is unavailable.
 */
export function etfProjectForward(f: Float32Array, s: CsrMatrix, options: EtfProjectOptions = {}): Float32Array {
  const fn = 'etfProjectForward';
  assertCsr(fn, 's', s);
  assertFiniteFloat32(fn, 'f', f);
  const batch = rowsOf(fn, 'f', f.length, s.cols, 's.cols (feature dimension d)');
  const bias = options.bias ?? null;
  if (bias !== null) assertFiniteFloat32(fn, 'options.bias', bias, s.rows);
  const out = options.out ?? new Float32Array(batch * s.rows);
  assertOutput(fn, 'options.out', out, batch * s.rows);
  const addon = resolveNative(fn, options.device);
  if (!addon) return etfProjectForwardImpl(f, batch, s, bias, out);
  addon.etfProjectForward(f, batch, s, bias, out, options.device ?? 'cpu');
  return out;
}

/**
 * gradF[B × d] = gradLogits[B × C] · S: the gradient of the projection wrt its input features.
 * The batch size is gradLogits.length / S.rows.
 */
export function etfProjectBackward(gradLogits: Float32Array, s: CsrMatrix, options: OutputOptions = {}): Float32Array {
  const fn = 'etfProjectBackward';
  assertCsr(fn, 's', s);
  assertFiniteFloat32(fn, 'gradLogits', gradLogits);
  const batch = rowsOf(fn, 'gradLogits', gradLogits.length, s.rows, 's.rows (classes C)');
  const out = options.out ?? new Float32Array(batch * s.cols);
  assertOutput(fn, 'options.out', out, batch * s.cols);
  const addon = resolveNative(fn, options.device);
  if (!addon) return etfProjectBackwardImpl(gradLogits, batch, s, out);
  addon.etfProjectBackward(gradLogits, batch, s, out, options.device ?? 'cpu');
  return out;
}
