/**
 * tf.variableGrads with the memory profile of PyTorch's autograd: each activation's gradient and each tape node's
 * saved tensors are freed as soon as backprop has passed the node that needs them.
 *
 * tfjs's own backward pass (engine.gradients → backpropagateGradients in tfjs-core's tape.ts) keeps the gradient of
 * every intermediate tensor and every node's saved tensors until the whole backward pass ends, so its peak is the
 * saved activations plus a gradient the size of every activation: a ResNet-18 step at 224 px, batch 32, peaked
 * at 1.94 GB of tensors against 0.61 GB at the end of the forward pass. Walking the same filtered tape in the same
 * reverse order, with the same gradient functions and the same accumulation (`add` in tape order), gives the same
 * gradients bit for bit; only the disposal differs.
 *
 * Nested differentiation (a gradient taken inside another one) keeps tfjs's own pass: the outer tape may still need
 * the inner one's tensors.
 */
import * as tf from '@tensorflow/tfjs-core';

/** A node of tfjs-core's gradient tape (tape.ts; not in its public typings). */
interface TapeNode {
  readonly id: number;
  readonly kernelName: string;
  readonly outputs: tf.Tensor[];
  readonly inputs: tf.NamedTensorMap;
  readonly gradient?: (dys: (tf.Tensor | null)[]) => Record<string, () => tf.Tensor>;
  readonly saved?: tf.Tensor[];
}

/** The parts of tfjs-core's Engine (engine.ts) its own `gradients` uses; not in its public typings. */
interface EngineInternals {
  readonly state: { activeTape: TapeNode[] | null; gradientDepth: number };
  startTape(): void;
  endTape(): void;
}

/** The loss f() and its gradients with respect to `variables` (by variable name; variables off the loss path get none). */
export function leanVariableGrads(f: () => tf.Scalar, variables: readonly tf.Variable[]): { value: tf.Scalar; grads: tf.NamedTensorMap } {
  const engine = tf.engine() as unknown as EngineInternals;
  if (engine.state.gradientDepth > 0) return tf.variableGrads(f, [...variables]);
  if (variables.length === 0) throw new Error('leanVariableGrads: no variables to differentiate with respect to');
  engine.startTape();
  let y: tf.Tensor;
  try {
    y = tf.tidy(f);
  } finally {
    engine.endTape();
  }
  const tape = engine.state.activeTape!;
  try {
    if (!(y instanceof tf.Tensor) || y.rank !== 0) {
      tf.dispose(y);
      throw new Error('leanVariableGrads: the loss function must return a scalar tensor');
    }
    const xs = [...variables];
    const filtered = nodesFromXsToY(tape, xs, y);
    // An array, which tidy looks into for the tensors to keep (it does not look into a Map).
    const grads = tf.tidy(() => backprop(filtered, y, xs) as tf.Tensor[]) as (tf.Tensor | null)[];
    const named: tf.NamedTensorMap = {};
    xs.forEach((v, k) => {
      const g = grads[k];
      if (g != null) named[v.name] = g;
    });
    if (Object.keys(named).length === 0) {
      tf.dispose(y);
      throw new Error(
        'leanVariableGrads: no variable is connected to the loss; make sure the operations that use the variables are inside the loss function',
      );
    }
    return { value: y as tf.Scalar, grads: named };
  } finally {
    for (const node of tape) for (const t of node.saved ?? []) t.dispose();
    engine.state.activeTape = null;
  }
}

/**
 * The tape nodes on a path from one of `xs` to `y`, each with only the inputs on such a path (what tfjs's
 * getFilteredNodesXToY keeps: no gradient is computed for an input that is not differentiated, like the images).
 */
function nodesFromXsToY(tape: readonly TapeNode[], xs: readonly tf.Tensor[], y: tf.Tensor): TapeNode[] {
  const fromX = new Set(xs.map((x) => x.id));
  const nodeFromX = new Set<number>();
  for (const node of tape) {
    if (Object.values(node.inputs).some((t) => fromX.has(t.id))) {
      nodeFromX.add(node.id);
      for (const o of node.outputs) fromX.add(o.id);
    }
  }
  const toY = new Set([y.id]);
  const nodeToY = new Set<number>();
  for (let i = tape.length - 1; i >= 0; i--) {
    const node = tape[i]!;
    if (node.outputs.some((o) => toY.has(o.id))) {
      nodeToY.add(node.id);
      for (const t of Object.values(node.inputs)) toY.add(t.id);
    }
  }
  const kept: TapeNode[] = [];
  for (const node of tape) {
    if (!nodeFromX.has(node.id) || !nodeToY.has(node.id)) continue;
    const inputs: tf.NamedTensorMap = {};
    for (const [name, t] of Object.entries(node.inputs)) if (fromX.has(t.id) && toY.has(t.id)) inputs[name] = t;
    kept.push({ ...node, inputs });
  }
  return kept;
}

/** Reverse walk of `nodes` (tfjs's backpropagateGradients), freeing what no later step reads. */
function backprop(nodes: readonly TapeNode[], y: tf.Tensor, xs: readonly tf.Tensor[]): (tf.Tensor | null)[] {
  const wanted = new Set(xs.map((x) => x.id));
  const acc = new Map<number, tf.Tensor>([[y.id, tf.onesLike(y)]]);
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i]!;
    const dys = node.outputs.map((o) => acc.get(o.id) ?? null);
    if (node.gradient == null) throw new Error(`Cannot compute gradient: gradient function not found for ${node.kernelName}.`);
    const gradient = node.gradient;
    // Clones, so that a gradient function returning its dy (or a saved tensor) still owns what it returns below.
    const dxs = tf.tidy(() => {
      const thunks = gradient(dys);
      const out: Record<string, tf.Tensor> = {};
      for (const name of Object.keys(node.inputs)) {
        if (!(name in thunks)) {
          throw new Error(`Cannot backprop through input ${name}. Available gradients found: ${Object.keys(thunks).join(', ')}.`);
        }
        out[name] = tf.tidy(() => tf.clone(thunks[name]!()));
      }
      return out;
    });
    for (const name of Object.keys(node.inputs)) {
      const dx = dxs[name]!;
      const x = node.inputs[name]!;
      if (dx.dtype !== 'float32') {
        throw new Error(
          `Error in gradient for op ${node.kernelName}. The gradient of input ${name} must have 'float32' dtype, but has '${dx.dtype}'`,
        );
      }
      if (!tf.util.arraysEqual(dx.shape, x.shape)) {
        throw new Error(
          `Error in gradient for op ${node.kernelName}. The gradient of input '${name}' has shape '${dx.shape}', which does not match the shape of the input '${x.shape}'`,
        );
      }
      const current = acc.get(x.id);
      if (current === undefined) {
        acc.set(x.id, dx);
      } else {
        acc.set(x.id, tf.add(current, dx));
        current.dispose();
        dx.dispose();
      }
    }
    // The node's outputs have all their gradient contributions (later nodes came first) and were just consumed.
    for (const o of node.outputs) {
      if (wanted.has(o.id)) continue;
      acc.get(o.id)?.dispose();
      acc.delete(o.id);
    }
    for (const t of node.saved ?? []) t.dispose();
  }
  return xs.map((x) => acc.get(x.id) ?? null);
}
