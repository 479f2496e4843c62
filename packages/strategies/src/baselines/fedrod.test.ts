import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { crossEntropy } from '@fedloge/core';
import { type FedRoD, fedRodPlugin, type RodNetwork } from './fedrod.js';
import { offsetCrossEntropy } from './losses/offset-cross-entropy.js';
import {
  FEATURE_DIM,
  NUM_CLASSES,
  harness,
  hooksOf,
  maxAbsDiff,
  referenceOffsetCrossEntropy,
  sameEntry,
  wholeBatch,
} from './__fixtures__/harness.js';

const h = harness();
// Class 3 is absent: its Balanced Softmax offset is log 0.
const client = h.client(0, [12, 6, 3, 0]);

function setup() {
  const strategy = h.strategy<FedRoD>(fedRodPlugin);
  const server = h.server([client]);
  const global = strategy.initialize(server);
  return { strategy, server, global, hooks: hooksOf(strategy) };
}

describe('FedRoD', () => {
  it('loss = BalancedSoftmax(g) + CE(g + p), checked by hand with an absent class', () => {
    const { global, hooks } = setup();
    const net = hooks.buildNetwork(h.models, global) as RodNetwork;
    // Make p differ from g (it starts as a copy) so the residual term is not trivial.
    tf.tidy(() => net.personal.params.get('weight')!.assign(tf.mul(net.personal.params.get('weight')!, -0.5)));
    const batch = wholeBatch(client);
    const before = tf.memory().numTensors;
    const objective = hooks.localObjective(net, h.trainContext(client, global));
    const loss = tf.tidy(() => objective.loss(batch, { epoch: 0, batch: 0 }).dataSync()[0]!);
    expect(tf.memory().numTensors).toBe(before);
    const [g, p] = tf.tidy(() => {
      const f = net.backbone.apply(batch.x, 'eval');
      return [net.head.apply(f).arraySync(), net.personal.apply(f).arraySync()];
    });
    const y = batch.y.dataSync();
    const balanced = referenceOffsetCrossEntropy(g, y, [Math.log(12), Math.log(6), Math.log(3), -Infinity]);
    const residual = referenceOffsetCrossEntropy(
      g.map((row, i) => row.map((v, c) => v + p[i]![c]!)),
      y,
      [0, 0, 0, 0],
    );
    // The test MLP has no BatchNorm: train and eval features agree.
    expect(loss).toBeCloseTo(balanced + residual, 4);
    expect(Number.isFinite(loss)).toBe(true);
    tf.dispose([batch.x, batch.y]);
    hooks.disposeNetwork(net);
  });

  it('detaches: φ and g get the Balanced Softmax gradient only, p the residual gradient only', () => {
    const { global, hooks } = setup();
    const net = hooks.buildNetwork(h.models, global) as RodNetwork;
    const batch = wholeBatch(client);
    const objective = hooks.localObjective(net, h.trainContext(client, global));
    const shared = [...net.backbone.params.values(), ...net.head.params.values()];
    const personal = [...net.personal.params.values()];
    const total = tf.variableGrads(() => objective.loss(batch, { epoch: 0, batch: 0 }), [...shared, ...personal]);
    const logPrior = Float32Array.from([Math.log(12), Math.log(6), Math.log(3), -1e9]);
    const balancedOnly = tf.variableGrads(
      () => offsetCrossEntropy(net.head.apply(net.backbone.apply(batch.x, 'train')), batch.y, logPrior),
      shared,
    );
    const residualOnly = tf.variableGrads(() => {
      const f = tf.tensor2d(net.backbone.apply(batch.x, 'eval').arraySync()); // a constant: no path back
      const g = tf.tensor2d(net.head.apply(f).arraySync());
      return crossEntropy(tf.add(g, net.personal.apply(f)) as tf.Tensor2D, batch.y);
    }, personal);
    for (const v of shared) expect(maxAbsDiff(total.grads[v.name]!.dataSync(), balancedOnly.grads[v.name]!.dataSync())).toBeLessThan(1e-5);
    for (const v of personal)
      expect(maxAbsDiff(total.grads[v.name]!.dataSync(), residualOnly.grads[v.name]!.dataSync())).toBeLessThan(1e-5);
    tf.dispose([
      total.value,
      balancedOnly.value,
      residualOnly.value,
      ...Object.values(total.grads),
      ...Object.values(balancedOnly.grads),
      ...Object.values(residualOnly.grads),
      batch.x,
      batch.y,
    ]);
    hooks.disposeNetwork(net);
  });

  it('aggregates φ and g; p stays on the client, starting as a copy of g', async () => {
    const { strategy, global } = setup();
    expect(maxAbsDiff(global['personal.weight']!.data, global['head.weight']!.data)).toBe(0);
    const update = await strategy.trainClient(h.trainContext(client, global));
    expect(Object.keys(update.state!).sort()).toEqual(['personal.bias', 'personal.weight']);
    expect(Object.keys(update.arrays).some((k) => k.startsWith('personal.'))).toBe(false);
    expect(Object.keys(update.arrays)).toContain('head.weight');
    expect(sameEntry(update.state!, global, 'personal.weight')).toBe(false);
  });

  it('GM = g(f); PM = g(f) + p_k(f) on the global features', async () => {
    const { strategy, server, global } = setup();
    const { state } = await strategy.trainClient(h.trainContext(client, global));
    const before = tf.memory().numTensors;
    const pm = strategy.personalPredictor(global, h.personalContext(client, state), server);
    if (pm.kind !== 'heads') throw new Error('FedRoD PM must be a heads predictor');
    const f = [[0.2, 1, 0, 0.5, 0.3, 0, 2, 0.1]];
    const got = tf.tidy(() => pm.heads(tf.tensor2d(f))['generic+personal']!.arraySync()[0]!);
    pm.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const linear = (w: Float32Array, b: Float32Array) =>
      Array.from({ length: NUM_CLASSES }, (_, c) => b[c]! + f[0]!.reduce((s, v, j) => s + v * w[c * FEATURE_DIM + j]!, 0));
    const g = linear(global['head.weight']!.data, global['head.bias']!.data);
    const p = linear(state!['personal.weight']!.data, state!['personal.bias']!.data);
    expect(
      maxAbsDiff(
        got,
        g.map((v, c) => v + p[c]!),
      ),
    ).toBeLessThan(1e-5);
    const gm = strategy.globalPredictor(global, server);
    const gmLogits = tf.tidy(() => Object.values(gm.heads(tf.tensor2d(f)))[0]!.arraySync()[0]!);
    gm.dispose();
    expect(maxAbsDiff(gmLogits, g)).toBeLessThan(1e-5);
  });
});
