/**
 * Sparse row projection, a linear layer with a constant CSR weight: forward logits = f · Sᵀ + b with S [C × d] in CSR,
 * and its feature gradient gradF = gradLogits · S (S is constant, so there is no gradient wrt S or b). FedLoGe's
 * sparse ETF head (packages/strategies/src/native-ops) is one.
 */
import { assertCsr } from './csr.js';
import { resolveNative } from './dispatch.js';
import { csrProjectBackwardImpl, csrProjectForwardImpl } from './csr-project.impl.js';
import type { CsrMatrix, OutputOptions } from './types.js';
import { assertFiniteFloat32, assertOutput, rowsOf } from './validate.js';

/** Options of {@link csrProjectForward}. */
export interface CsrProjectOptions extends OutputOptions {
  /** Per-class bias [C]. @default no bias (zeros) */
  bias?: Float32Array | null;
}

/**
 * logits[B × C] = f[B × d] · Sᵀ + bias. The batch size is f.length / S.cols (B = 0 gives an empty result).
 * @throws TypeError/RangeError on a bad argument (naming it), Error when device 'cuda' is unavailable.
 */
export function csrProjectForward(f: Float32Array, s: CsrMatrix, options: CsrProjectOptions = {}): Float32Array {
  const fn = 'csrProjectForward';
  assertCsr(fn, 's', s);
  assertFiniteFloat32(fn, 'f', f);
  const batch = rowsOf(fn, 'f', f.length, s.cols, 's.cols (feature dimension d)');
  const bias = options.bias ?? null;
  if (bias !== null) assertFiniteFloat32(fn, 'options.bias', bias, s.rows);
  const out = options.out ?? new Float32Array(batch * s.rows);
  assertOutput(fn, 'options.out', out, batch * s.rows);
  const addon = resolveNative(fn, options.device);
  if (!addon) return csrProjectForwardImpl(f, batch, s, bias, out);
  addon.csrProjectForward(f, batch, s, bias, out, options.device ?? 'cpu');
  return out;
}

/**
 * gradF[B × d] = gradLogits[B × C] · S: the gradient of the projection wrt its input features.
 * The batch size is gradLogits.length / S.rows.
 */
export function csrProjectBackward(gradLogits: Float32Array, s: CsrMatrix, options: OutputOptions = {}): Float32Array {
  const fn = 'csrProjectBackward';
  assertCsr(fn, 's', s);
  assertFiniteFloat32(fn, 'gradLogits', gradLogits);
  const batch = rowsOf(fn, 'gradLogits', gradLogits.length, s.rows, 's.rows (classes C)');
  const out = options.out ?? new Float32Array(batch * s.cols);
  assertOutput(fn, 'options.out', out, batch * s.cols);
  const addon = resolveNative(fn, options.device);
  if (!addon) return csrProjectBackwardImpl(gradLogits, batch, s, out);
  addon.csrProjectBackward(gradLogits, batch, s, out, options.device ?? 'cpu');
  return out;
}
