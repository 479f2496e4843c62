/** The 'tfjs' implementation of {@link EtfKernels}: stock tfjs ops with a dense copy of S. Runs on any backend. */
import * as tf from '@tensorflow/tfjs-core';
import type { EtfKernels } from './etf-kernels.js';
import { MASKED_CLASS_VALUE } from './kernel-names.js';
import type { SparseEtf } from './sparse-etf.js';

function stackLocals(Ls: tf.Tensor3D | readonly tf.Tensor2D[]): tf.Tensor3D {
  return Array.isArray(Ls) ? (tf.stack(Ls as tf.Tensor2D[]) as tf.Tensor3D) : (Ls as tf.Tensor3D);
}

export const tfjsEtfKernels: EtfKernels = {
  kind: 'tfjs',

  projectEtf(f: tf.Tensor2D, etf: SparseEtf): tf.Tensor2D {
    return tf.tidy(() => tf.add(tf.matMul(f, etf.denseWeight(), false, true), etf.biasTensor()));
  },

  etfCrossEntropy(f: tf.Tensor2D, etf: SparseEtf, labels: tf.Tensor1D): tf.Scalar {
    // Empty batch: the loss is 0 by definition (as in the native kernels). Computed directly because reductions over
    // empty tensors are not reliable on every backend (wasm's Sum of [0, C] returns uninitialised memory). Note that
    // tf.grad through this constant throws for B = 0; the native path returns an empty gradient instead.
    if (f.shape[0] === 0) return tf.scalar(0);
    return tf.tidy(() => {
      const logits = tf.add(tf.matMul(f, etf.denseWeight(), false, true), etf.biasTensor());
      const logProbs = tf.logSoftmax(logits);
      const nll = tf.neg(tf.sum(tf.mul(tf.oneHot(tf.cast(labels, 'int32'), etf.classes), logProbs)));
      return tf.div(nll, f.shape[0]) as tf.Scalar;
    });
  },

  renormRows(W: tf.Tensor2D, scale: number): tf.Tensor2D {
    return tf.tidy(() => tf.divNoNan(tf.mul(W, scale), tf.norm(W, 'euclidean', 1, true)));
  },

  localRealign(G: tf.Tensor2D, Ls: tf.Tensor3D | readonly tf.Tensor2D[], masked?: tf.Tensor2D): tf.Tensor3D {
    return tf.tidy(() => {
      const locals = stackLocals(Ls);
      const realigned = tf.mul(tf.expandDims(G, 0), tf.norm(locals, 'euclidean', 2, true)) as tf.Tensor3D;
      if (!masked) return realigned;
      const isMasked = tf.broadcastTo(tf.expandDims(tf.notEqual(masked, 0), 2), realigned.shape);
      return tf.where(isMasked, tf.fill(realigned.shape, MASKED_CLASS_VALUE), realigned);
    });
  },
};
