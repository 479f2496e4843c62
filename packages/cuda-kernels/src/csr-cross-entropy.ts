/**
 * Fused softmax cross-entropy through a sparse row projection (csr-project.ts): the mean loss and its gradient wrt
 * the features in one call, without materialising the logits for the caller.
 */
import { assertCsr } from './csr.js';
import { resolveNative } from './dispatch.js';
import { csrCrossEntropyImpl } from './csr-cross-entropy.impl.js';
import type { CsrMatrix, KernelOptions } from './types.js';
import { assertFiniteFloat32, assertOutput, invalidArgument, rowsOf } from './validate.js';

/** Options of {@link csrCrossEntropy}. */
export interface CsrCrossEntropyOptions extends KernelOptions {
  /** Per-class bias [C]. @default no bias (zeros) */
  bias?: Float32Array | null;
  /** Buffer [B × d] for the feature gradient. @default a new Float32Array */
  gradOut?: Float32Array;
}

/** Result of {@link csrCrossEntropy}. */
export interface CsrCrossEntropyResult {
  /** (1 / max(B, 1)) Σ_b [logsumexp(z_b) − z_b[label_b]] with z = f·Sᵀ + b; 0 for an empty batch. */
  loss: number;
  /** d loss / d f = ((softmax(z) − onehot(labels)) / B) · S, [B × d]. */
  gradF: Float32Array;
}

/**
 * Mean softmax cross-entropy of logits f·Sᵀ + b against integer labels, and its gradient wrt f.
 * The batch size is f.length / S.cols; labels must hold B integers in [0, S.rows).
 */
export function csrCrossEntropy(
  f: Float32Array,
  s: CsrMatrix,
  labels: Int32Array,
  options: CsrCrossEntropyOptions = {},
): CsrCrossEntropyResult {
  const fn = 'csrCrossEntropy';
  assertCsr(fn, 's', s);
  assertFiniteFloat32(fn, 'f', f);
  const batch = rowsOf(fn, 'f', f.length, s.cols, 's.cols (feature dimension d)');
  if (!(labels instanceof Int32Array)) throw invalidArgument(fn, 'labels', 'an Int32Array', labels);
  if (labels.length !== batch) {
    throw new RangeError(`Expected one label per sample (${batch}) in ${fn}(labels) but received ${labels.length}`);
  }
  for (let b = 0; b < batch; b++) {
    if (labels[b]! < 0 || labels[b]! >= s.rows) {
      throw new RangeError(`${fn}(labels): labels[${b}] = ${labels[b]} is outside [0, ${s.rows}) (the classes of s)`);
    }
  }
  const bias = options.bias ?? null;
  if (bias !== null) assertFiniteFloat32(fn, 'options.bias', bias, s.rows);
  const gradF = options.gradOut ?? new Float32Array(batch * s.cols);
  assertOutput(fn, 'options.gradOut', gradF, batch * s.cols);
  const addon = resolveNative(fn, options.device);
  const loss = addon
    ? addon.csrCrossEntropy(f, batch, s, bias, labels, gradF, options.device ?? 'cpu')
    : csrCrossEntropyImpl(f, batch, s, bias, labels, gradF);
  return { loss, gradF };
}
