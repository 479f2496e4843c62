/** Test helper (not exported): gradients of a backbone + head loss on the current backend. */
import * as tf from '@tensorflow/tfjs-core';
import type { Backbone, Head } from '../../nn/module.js';
import { crossEntropy } from '../../train/losses.js';

/** Loss value and per-state-key gradients of CE(head(backbone(x))) in train mode. */
export function lossAndGrads(
  backbone: Backbone,
  head: Head,
  x: tf.Tensor4D,
  y: tf.Tensor1D,
): { loss: number; grads: Record<string, Float32Array> } {
  const vars = [...backbone.params.values(), ...head.params.values()];
  const keyOf = new Map<string, string>();
  for (const [k, v] of backbone.params) keyOf.set(v.name, `backbone.${k}`);
  for (const [k, v] of head.params) keyOf.set(v.name, `head.${k}`);
  const { value, grads } = tf.variableGrads(() => crossEntropy(head.apply(backbone.apply(x, 'train')), y), vars);
  const out: Record<string, Float32Array> = {};
  for (const [name, g] of Object.entries(grads)) out[keyOf.get(name)!] = g.dataSync() as Float32Array;
  const loss = value.dataSync()[0]!;
  value.dispose();
  tf.dispose(Object.values(grads));
  return { loss, grads: out };
}

/** Largest |a − b| relative to the largest |b| (1 when b is all zeros). */
export function relativeMaxError(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / (scale || 1);
}
