import { describe, expect, it } from 'vitest';
import { ClientStateStore } from './client-state-store.js';

const entry = (...values: number[]) => ({ shape: [values.length], data: Float32Array.from(values) });

describe('ClientStateStore', () => {
  it('round-trips every client state through a flat checkpoint record', () => {
    const store = new ClientStateStore();
    store.set(12, { 'head.weight': entry(1, 2), 'head.bias': entry(3) });
    store.set(3, { 'bn.runningMean': entry(4) });
    const flat = store.exportState();
    expect(Object.keys(flat).sort()).toEqual(['12/head.bias', '12/head.weight', '3/bn.runningMean']);

    const restored = new ClientStateStore();
    restored.set(99, { stale: entry(0) });
    restored.importState(flat);
    expect(restored.clientIds()).toEqual([3, 12]);
    expect(restored.get(12)).toEqual(store.get(12));
    expect(restored.has(99)).toBe(false);
  });

  it('rejects keys without a client id', () => {
    expect(() => new ClientStateStore().importState({ 'head.weight': entry(1) })).toThrow(/'head.weight' is not of the form/);
  });
});
