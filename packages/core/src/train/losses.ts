/** Losses on logits, mean-reduced as torch.nn.CrossEntropyLoss. */
import * as tf from '@tensorflow/tfjs-core';

/** Mean softmax cross-entropy of `logits` [B, C] against int32 `labels` [B]. */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const logp = tf.logSoftmax(logits);
    const picked = tf.sum(tf.mul(logp, tf.oneHot(tf.cast(labels, 'int32'), logits.shape[1])), 1);
    return tf.neg(tf.mean(picked)) as tf.Scalar;
  });
}
