import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { ArrayRecord, ClientResult, PersonalContext, ServerContext } from '@fedloge/core';
import { type FedETF, fedEtfPlugin } from './fedetf.js';
import type { EtfHead } from './etf-head.js';
import { harness, hooksOf, maxAbsDiff, referenceOffsetCrossEntropy, sameEntry, wholeBatch } from '../__fixtures__/harness.js';

const h = harness();
const clientA = h.client(0, [12, 6, 0, 2]);
const clientB = h.client(1, [2, 3, 6, 12]);

/** FedETF's protected adaptation step, opened for the test. */
interface AdaptAccess {
  adapt(global: ArrayRecord, client: PersonalContext, ctx: ServerContext): Promise<ArrayRecord>;
}

describe('FedETF', () => {
  it('trains on Balanced Softmax of s·normalize(proj(f))·M, checked by hand with an absent class', () => {
    const strategy = h.strategy<FedETF>(fedEtfPlugin, { projectionDim: 6 });
    const global = strategy.initialize(h.server([clientA]));
    const hooks = hooksOf(strategy);
    const net = hooks.buildNetwork(h.models, global);
    const head = net.head as EtfHead;
    tf.tidy(() => head.temperature.assign(tf.scalar(3)));
    const batch = wholeBatch(clientA);
    const before = tf.memory().numTensors;
    const objective = hooks.localObjective(net, h.trainContext(clientA, global));
    const loss = tf.tidy(() => objective.loss(batch, { epoch: 0, batch: 0 }).dataSync()[0]!);
    expect(tf.memory().numTensors).toBe(before);
    // Independent forward in float64 from the arrays: features from the backbone, then the head by hand.
    const features = tf.tidy(() => net.backbone.apply(batch.x, 'eval').arraySync());
    const p = global['head.projection.weight']!;
    const b = global['head.projection.bias']!.data;
    const m = global['head.etf']!.data;
    const [width, dim] = p.shape as [number, number];
    const logits = features.map((f) => {
      const hRow = Array.from({ length: width }, (_, i) => b[i]! + f.reduce((s, v, j) => s + v * p.data[i * dim + j]!, 0));
      const n = Math.hypot(...hRow);
      return Array.from({ length: 4 }, (_, c) => 3 * hRow.reduce((s, v, i) => s + (v / n) * m[i * 4 + c]!, 0));
    });
    const expected = referenceOffsetCrossEntropy(logits, batch.y.dataSync(), [Math.log(12), Math.log(6), -Infinity, Math.log(2)]);
    expect(loss).toBeCloseTo(expected, 4);
    tf.dispose([batch.x, batch.y]);
    hooks.disposeNetwork(net);
  });

  it('the ETF is never trained nor averaged during FL; backbone, projection and temperature are', async () => {
    const server = h.server([clientA, clientB]);
    const strategy = h.strategy<FedETF>(fedEtfPlugin);
    const global = strategy.initialize(server);
    expect(global['head.etf']!.shape).toEqual([4, 4]); // C' defaults to C
    const results: ClientResult[] = [];
    for (const client of [clientA, clientB]) {
      const update = await strategy.trainClient(h.trainContext(client, global, { train: { localEpochs: 2 } }));
      expect(sameEntry(update.arrays, global, 'head.etf')).toBe(true);
      for (const k of ['head.projection.weight', 'head.temperature', 'backbone.fc.weight'])
        expect(sameEntry(update.arrays, global, k)).toBe(false);
      results.push({ ...update, clientId: client.clientId });
    }
    const next = strategy.aggregateTrain(1, global, results, server);
    expect(next['head.etf']).toBe(global['head.etf']);
    expect(sameEntry(next, global, 'head.temperature')).toBe(false);
  });

  it('local adaptation fine-tunes the ETF and the projection, each alone', async () => {
    const server = h.server([clientA]);
    const strategy = h.strategy<FedETF>(fedEtfPlugin, { adaptation: { localEpochs: 0, rounds: 1 } });
    const global = strategy.initialize(server);
    const adapted = await (strategy as unknown as AdaptAccess).adapt(global, h.personalContext(clientA, undefined), server);
    expect(sameEntry(adapted, global, 'head.etf')).toBe(false);
    expect(sameEntry(adapted, global, 'head.projection.weight')).toBe(false);
    expect(sameEntry(adapted, global, 'head.temperature')).toBe(true);
    expect(sameEntry(adapted, global, 'backbone.fc.weight')).toBe(true);
    // After adaptation, FL training again leaves the ETF alone.
    const update = await strategy.trainClient(h.trainContext(clientA, global));
    expect(sameEntry(update.arrays, global, 'head.etf')).toBe(true);
  });

  it('PM scores the adapted model; with no adaptation it is the GM', async () => {
    const server = h.server([clientA]);
    const { x, y } = wholeBatch(clientA);
    const gap = async (adaptation: object) => {
      const strategy = h.strategy<FedETF>(fedEtfPlugin, { adaptation });
      const global = strategy.initialize(server);
      const gm = strategy.globalPredictor(global, server);
      const gmLogits = tf.tidy(() => Array.from(Object.values(gm.heads(gm.features(x)))[0]!.dataSync()));
      gm.dispose();
      const pm = await strategy.personalPredictor(global, h.personalContext(clientA, undefined), server);
      if (pm.kind !== 'model') throw new Error('FedETF PM must run the model');
      const pmLogits = tf.tidy(() => Array.from(pm.predict(x)['adapted']!.dataSync()));
      pm.dispose();
      return maxAbsDiff(pmLogits, gmLogits);
    };
    expect(await gap({ localEpochs: 0, rounds: 0 })).toBeLessThan(1e-6);
    expect(await gap({})).toBeGreaterThan(1e-4);
    tf.dispose([x, y]);
  });

  it("defaults to the run's E and a scaled-down alternation schedule, which it says loudly", () => {
    const strategy = h.strategy<FedETF>(fedEtfPlugin);
    expect(strategy.summary()['options']).toEqual({
      projectionDim: null,
      adaptation: { localEpochs: null, rounds: 2, etfEpochs: 1, etfLr: 0.1, projectionEpochs: 1, projectionLr: 0.05 },
    });
    expect(strategy.scaledDown()).toBe(
      "FedETF's PM fine-tuning is 2 × (1 + 1) epochs (official 20 × (3 + 3)); its PM is not the paper's setting " +
        '(adaptation: { rounds: 20, etfEpochs: 3, projectionEpochs: 3 } restores it).',
    );
    expect(fedEtfPlugin.description).toMatch(
      /SCALED DOWN by default for speed: 2 × \(1 \+ 1\) fine-tuning epochs, official 20 × \(3 \+ 3\)/,
    );
    expect(
      h.strategy<FedETF>(fedEtfPlugin, { adaptation: { rounds: 20, etfEpochs: 3, projectionEpochs: 3 } }).scaledDown(),
    ).toBeUndefined();
    expect(() => h.strategy<FedETF>(fedEtfPlugin, { projectionDim: 3 }).initialize(h.server([clientA]))).toThrow(
      /projectionDim >= numClasses/,
    );
  });
});
