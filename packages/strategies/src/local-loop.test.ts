import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { FederatedClientData, silentLogger, type ClientTrainContext } from '@fedloge/core';
import { Rng } from '@fedloge/core/data';
import { createPatternDataset } from '../../../test/fixtures/pattern-dataset.js';
import { runLocalLoop } from './local-loop.js';

const dataset = createPatternDataset({ numClasses: 2, trainPerClass: 5, testPerClass: 1, side: 2, seed: 1 });
const train = { localEpochs: 2, batchSize: 4, lr: 0.1, momentum: 0, weightDecay: 0 };

function context(): ClientTrainContext {
  return {
    round: 1,
    clientId: 0,
    payload: {},
    state: undefined,
    data: new FederatedClientData(dataset, 0, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], { augment: false }),
    train,
    numClasses: 2,
    rng: new Rng(3),
    models: undefined as never,
    logger: silentLogger(),
  };
}

describe('runLocalLoop', () => {
  it('steps every group in order on each batch with its own SGD, as computed by hand', () => {
    const a = tf.variable(tf.scalar(3));
    const b = tf.variable(tf.scalar(-1));
    const before = tf.memory().numTensors;
    const calls: string[] = [];
    const { losses, steps } = runLocalLoop(
      context(),
      [
        // (a − 1)² · s / 10 for a batch of s images: the first group.
        { metric: 'loss', variables: [a], loss: (batch) => tf.mul(tf.square(tf.sub(a, 1)), batch.size / 10) as tf.Scalar },
        // (b − a)², after a stepped on the same batch; reported halved.
        {
          metric: 'bLoss',
          variables: [b],
          prepare: (_batch, p) => calls.push(`prepare ${p.epoch}/${p.batch}`),
          loss: () => tf.square(tf.sub(b, a)) as tf.Scalar,
          reported: (v) => v / 2,
        },
      ],
      { afterBatch: () => calls.push('after') },
    );
    // 10 images in batches of 4: sizes 4, 4, 2 in each of the 2 epochs.
    let [ha, hb, sumA, sumB] = [3, -1, 0, 0];
    for (const s of [4, 4, 2, 4, 4, 2]) {
      sumA += ((ha - 1) ** 2 * s) / 10;
      ha -= 0.1 * ((2 * (ha - 1) * s) / 10);
      sumB += (hb - ha) ** 2 / 2;
      hb -= 0.1 * 2 * (hb - ha);
    }
    expect(steps).toBe(6);
    expect(a.dataSync()[0]).toBeCloseTo(ha, 5);
    expect(b.dataSync()[0]).toBeCloseTo(hb, 5);
    expect(losses['loss']).toBeCloseTo(sumA / 6, 5);
    expect(losses['bLoss']).toBeCloseTo(sumB / 6, 5);
    expect(calls).toEqual(['0/0', '0/1', '0/2', '1/0', '1/1', '1/2'].flatMap((p) => [`prepare ${p}`, 'after']));
    // Batches and optimisers are freed.
    expect(tf.memory().numTensors).toBe(before);
    a.dispose();
    b.dispose();
  });

  it('reports NaN without a step, and frees the batch when a step throws', () => {
    const a = tf.variable(tf.scalar(0));
    expect(
      runLocalLoop({ ...context(), train: { ...train, localEpochs: 0 } }, [
        { metric: 'loss', variables: [a], loss: () => tf.square(a) as tf.Scalar },
      ]),
    ).toEqual({
      losses: { loss: NaN },
      steps: 0,
    });
    const before = tf.memory().numTensors;
    let after = 0;
    expect(() =>
      runLocalLoop(
        context(),
        [
          {
            metric: 'loss',
            variables: [a],
            loss: () => {
              throw new Error('bad loss');
            },
          },
        ],
        { afterBatch: () => after++ },
      ),
    ).toThrow('bad loss');
    expect(after).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
    a.dispose();
  });
});
