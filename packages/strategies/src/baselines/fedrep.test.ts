import { describe, expect, it } from 'vitest';
import { type FedRep, fedRepPlugin } from './fedrep.js';
import { harness, sameEntry } from './__fixtures__/harness.js';

const h = harness();
const client = h.client(0, [12, 6, 3, 2]);

async function train(options: { headEpochs: number; bodyEpochs: number }) {
  const strategy = h.strategy<FedRep>(fedRepPlugin, { ...options, gmPersonalPart: 'initial' });
  const global = strategy.initialize(h.server([client]));
  return { global, update: await strategy.trainClient(h.trainContext(client, global)) };
}

describe('FedRep', () => {
  it('the head phase trains only the head, the body phase only the backbone', async () => {
    const headOnly = await train({ headEpochs: 1, bodyEpochs: 0 });
    expect(sameEntry(headOnly.update.state!, headOnly.global, 'head.weight')).toBe(false);
    expect(sameEntry(headOnly.update.arrays, headOnly.global, 'backbone.fc.weight')).toBe(true);
    const bodyOnly = await train({ headEpochs: 0, bodyEpochs: 1 });
    expect(sameEntry(bodyOnly.update.state!, bodyOnly.global, 'head.weight')).toBe(true);
    expect(sameEntry(bodyOnly.update.arrays, bodyOnly.global, 'backbone.fc.weight')).toBe(false);
  });

  it('trains the head first, then the body against the new, frozen head', async () => {
    const both = await train({ headEpochs: 2, bodyEpochs: 1 });
    const headOnly = await train({ headEpochs: 2, bodyEpochs: 0 });
    const bodyOnly = await train({ headEpochs: 0, bodyEpochs: 1 });
    // The head is what the head phase made of the initial backbone; the body phase left it alone.
    expect(sameEntry(both.update.state!, headOnly.update.state!, 'head.weight')).toBe(true);
    // The body trained against that new head, not against the initial one.
    expect(sameEntry(both.update.arrays, bodyOnly.update.arrays, 'backbone.fc.weight')).toBe(false);
    expect(Object.keys(both.update.arrays).every((k) => k.startsWith('backbone.'))).toBe(true);
    expect(both.update.metrics!['headLoss']).toBeGreaterThan(0);
  });

  it("defaults to 10 head epochs and the run's local epochs for the body", () => {
    const strategy = h.strategy<FedRep>(fedRepPlugin);
    expect(strategy.summary()['options']).toEqual({ gmPersonalPart: 'average', headEpochs: 10, bodyEpochs: null });
  });
});
