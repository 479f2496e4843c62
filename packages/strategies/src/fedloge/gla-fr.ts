/**
 * GLA-FR: Global and Local Adaptive Feature Realignment, FedLoGe's post-hoc second step (Xiao et
 * al., ICLR 2024, §3.3; reference `realignment.py`, docs/fedloge.md#gla-fr). No training: both
 * realignments are closed-form functions of the trained heads.
 *
 * - Global (GA-FR, `globaltest_calibra`): every row of the global auxiliary head g_aux is rescaled
 *   to the same norm τ (1.7 in the reference), removing the long-tail norm pattern; the bias is
 *   kept as learned.  W'_c = τ · W_c / ‖W_c‖₂,  b' = b.
 * - Local (LA-FR, `update_weights_norm_init`): client k's realigned head takes the *unnormalised*
 *   g_aux rows times the norms of its local head's rows, and g_aux's bias:
 *   R_k[c] = W_c · ‖L_k[c]‖₂,  b(R_k) = b.  (So ‖R_k[c]‖ = ‖W_c‖·‖L_k[c]‖, docs/fedloge.md#gla-fr.)
 *
 * Row operations run through the configured kernels (native C++/CUDA or tfjs). Inputs are never
 * disposed; results are new tensors owned by the caller.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ArrayRecord } from '@fedloge/core';
import type { EtfKernels } from '../native-ops/index.js';

/** The reference's GA-FR target row norm (hard-coded in realignment.py; its origin is undocumented). */
export const REFERENCE_REALIGN_NORM = 1.7;

/** A linear head's parameters: logits = f·Wᵀ + b, W [C, d], b [C]. */
export interface LinearParams {
  readonly weight: tf.Tensor2D;
  readonly bias: tf.Tensor1D;
}

/** GA-FR: `head` with every weight row rescaled to L2 norm `norm`, bias unchanged (a copy). */
export function globalRealign(kernels: EtfKernels, head: LinearParams, norm: number): LinearParams {
  if (!(norm > 0) || !Number.isFinite(norm)) {
    throw new RangeError(`globalRealign: expected a finite row norm > 0 (the reference uses 1.7) but received ${norm}`);
  }
  assertHead('globalRealign', head);
  return { weight: kernels.renormRows(head.weight, norm), bias: tf.clone(head.bias) };
}

/**
 * LA-FR for one client: rows of `globalHead.weight` scaled by the row norms of `localWeight`
 * (the client's local head, [C, d]), with the global head's bias.
 */
export function localRealign(kernels: EtfKernels, globalHead: LinearParams, localWeight: tf.Tensor2D): LinearParams {
  const [realigned] = localRealignAll(kernels, globalHead, [localWeight]);
  return realigned!;
}

/** LA-FR for several clients in one kernel call; one head per entry of `localWeights`, in order. */
export function localRealignAll(kernels: EtfKernels, globalHead: LinearParams, localWeights: readonly tf.Tensor2D[]): LinearParams[] {
  assertHead('localRealign', globalHead);
  const [C, d] = globalHead.weight.shape;
  localWeights.forEach((w, k) => {
    if (w.shape[0] !== C || w.shape[1] !== d) {
      throw new RangeError(
        `localRealign: local head ${k} has weight shape [${w.shape.join(', ')}] but the global head's is [${C}, ${d}]; ` +
          'both must be heads of the same classes and feature dimension',
      );
    }
  });
  if (localWeights.length === 0) return [];
  const stacked = kernels.localRealign(globalHead.weight, localWeights);
  try {
    return tf.unstack(stacked, 0).map((weight) => ({ weight: weight as tf.Tensor2D, bias: tf.clone(globalHead.bias) }));
  } finally {
    stacked.dispose();
  }
}

/** Logits f·Wᵀ + b of a linear head. */
export function linearLogits(features: tf.Tensor2D, head: LinearParams): tf.Tensor2D {
  return tf.tidy(() => tf.add(tf.matMul(features, head.weight, false, true), head.bias) as tf.Tensor2D);
}

/** Frees both tensors of each head. */
export function disposeHeads(...heads: readonly LinearParams[]): void {
  for (const h of heads) {
    h.weight.dispose();
    h.bias.dispose();
  }
}

function assertHead(where: string, head: LinearParams): void {
  if (head.weight.rank !== 2 || head.bias.rank !== 1 || head.bias.shape[0] !== head.weight.shape[0]) {
    throw new RangeError(
      `${where}: expected a head with weight [C, d] and bias [C] but received weight [${head.weight.shape.join(', ')}] ` +
        `and bias [${head.bias.shape.join(', ')}]`,
    );
  }
}

/** A linear head's `weight` [C, d] and `bias` [C] under `prefix` in `record`, as new tensors owned by the caller. */
export function headParams(record: ArrayRecord, prefix: string): LinearParams {
  const weight = record[`${prefix}weight`];
  const bias = record[`${prefix}bias`];
  if (!weight || !bias || weight.shape.length !== 2 || bias.shape.length !== 1) {
    throw new Error(
      `fedloge: expected '${prefix}weight' [C, d] and '${prefix}bias' [C] in the arrays but found ` +
        `${weight ? `[${weight.shape.join(', ')}]` : 'no weight'} and ${bias ? `[${bias.shape.join(', ')}]` : 'no bias'}`,
    );
  }
  return {
    weight: tf.tensor2d(weight.data, weight.shape as [number, number]),
    bias: tf.tensor1d(bias.data),
  };
}
