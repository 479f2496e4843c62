/**
 * FedSgdMomentumUpdate (contract in @fedloge/core engine/fused): one SGD-momentum step for all n variables in one
 * native call, one pass per tensor. Outputs w'0..w'{n-1}, then v'0..v'{n-1} when momentum > 0; inputs untouched.
 */
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';

import type { NativeBackend } from '../native-backend.js';
import { addonFunction, check, float32Input, float32Outputs } from './fused-io.js';
import { FED_SGD_MOMENTUM_UPDATE } from './fused-names.js';

const K = FED_SGD_MOMENTUM_UPDATE;

interface Attrs {
  count: number;
  lr: number;
  momentum: number;
  weightDecay: number;
  firstStep: boolean;
}

export const fedSgdMomentumUpdateConfig: KernelConfig = {
  kernelName: K,
  backendName: 'native',
  kernelFunc: ({ inputs, backend: b, attrs }) => {
    const backend = b as NativeBackend;
    const { count, lr, momentum, weightDecay, firstStep } = attrs as unknown as Attrs;
    check(Number.isInteger(count) && count >= 0, K, `attr count must be a non-negative integer but is ${count}`);
    for (const [name, value] of [
      ['lr', lr],
      ['momentum', momentum],
      ['weightDecay', weightDecay],
    ] as const) {
      check(Number.isFinite(value), K, `attr ${name} must be a finite number but is ${value}`);
    }
    const withVelocity = momentum !== 0 && !firstStep;
    const named = inputs as Record<string, TensorInfo | undefined>;
    const input = (name: string): TensorInfo => {
      const t = named[name];
      if (!t) throw new RangeError(`${K}: missing input '${name}' (count = ${count}${withVelocity ? ', velocities expected' : ''})`);
      return t;
    };
    const ws: Float32Array[] = [];
    const gs: Float32Array[] = [];
    const vs: Float32Array[] = [];
    const shapes: number[][] = [];
    for (let i = 0; i < count; i++) {
      const w = input(`w${i}`);
      const sameShape = (name: string) => {
        const t = input(name);
        check(
          t.shape.length === w.shape.length && t.shape.every((d, k) => d === w.shape[k]),
          K,
          `${name} [${t.shape}] must have the shape of w${i} [${w.shape}]`,
        );
        return float32Input(backend, t, K, name);
      };
      ws.push(float32Input(backend, w, K, `w${i}`));
      gs.push(sameShape(`g${i}`));
      if (withVelocity) vs.push(sameShape(`v${i}`));
      shapes.push([...w.shape]);
    }
    const update = addonFunction(backend, 'sgdMomentumUpdate', K);
    const outShapes = momentum !== 0 ? [...shapes, ...shapes] : shapes;
    return float32Outputs(backend, outShapes, (outs) => {
      const vOuts = momentum !== 0 ? outs.slice(count) : null;
      update(ws, gs, withVelocity ? vs : null, lr, momentum, weightDecay, outs.slice(0, count), vOuts);
    });
  },
};
