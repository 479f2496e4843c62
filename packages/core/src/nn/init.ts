/**
 * Weight initialisation, drawn in JS from the seeded Rng (never tf.random), so a seed gives the
 * same weights on every backend.
 */
import { sizeOf } from '../arrays.js';
import type { Rng } from '../random.js';

/** `size(shape)` values from U(−bound, bound). */
export function uniformInit(rng: Rng, shape: readonly number[], bound: number): Float32Array {
  const out = new Float32Array(sizeOf(shape));
  for (let i = 0; i < out.length; i++) out[i] = rng.uniform(-bound, bound);
  return out;
}

/**
 * PyTorch's default bound for Conv2d/Linear weights and biases: kaiming_uniform_(a=√5) gives
 * gain √(2/(1+a²)) = √(1/3) and bound gain·√(3/fan_in) = 1/√fan_in.
 */
export function kaimingUniformBound(fanIn: number): number {
  if (!(Number.isInteger(fanIn) && fanIn > 0)) throw new RangeError(`Expected a positive integer fan_in but received ${fanIn}`);
  return 1 / Math.sqrt(fanIn);
}

/** `size(shape)` copies of `value` (BatchNorm γ = 1, β = 0, running statistics). */
export function constantInit(shape: readonly number[], value: number): Float32Array {
  return new Float32Array(sizeOf(shape)).fill(value);
}
