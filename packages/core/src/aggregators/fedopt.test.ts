// FedAdam and FedYogi: two server steps worked out by hand (Reddi et al. 2021, Algorithm 2).
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../logger.js';
import { record, update, valuesOf } from './__fixtures__/updates.js';
import { AggregationError } from './errors.js';
import { FedAdamAggregator } from './fedadam.js';
import { FedYogiAggregator } from './fedyogi.js';

const x0 = record({ w: [0, 1] });
// Round 1: clients [2, 1] (1 sample) and [4, 1] (3 samples) → mean [3.5, 1], Δ₁ = [3.5, 0].
const round1 = [update(0, 1, { w: [2, 1] }), update(1, 3, { w: [4, 1] })];

function expectClose(actual: number[], expected: number[], digits = 6) {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => expect(a).toBeCloseTo(expected[i]!, digits));
}

// Flower's FedAdam: τ = 1e-9 (v₀ = τ² is then negligible) and the sample-weighted mean.
const FLOWER_ADAM = { tau: 1e-9, weighting: 'samples' } as const;

describe('fedadam', () => {
  it('uses the paper defaults: τ = 1e-3, the unweighted mean of the client changes', () => {
    expect(new FedAdamAggregator({}, silentLogger()).options).toEqual({
      eta: 0.1,
      beta1: 0.9,
      beta2: 0.99,
      tau: 1e-3,
      weighting: 'uniform',
    });
  });

  it('starts v at τ² and averages the client changes unweighted (Reddi et al. 2021, Algorithm 2)', () => {
    const agg = new FedAdamAggregator({}, silentLogger());
    const x1 = agg.aggregate({ round: 1, current: x0, updates: round1 });
    // Unweighted mean [3, 1] (the 1:3 sample counts are ignored); Δ₁ = [3, 0]; m₁ = [0.3, 0]
    // v₁ = 0.99·τ² + 0.01·Δ₁² = [0.09000099, 0.00000099] (Flower's v₀ = 0 would give 0 in coordinate 1)
    // x₁ = x₀ + 0.1·m₁/(√v₁ + 1e-3) = [0.03/0.3010016, 1] = [0.0996672, 1]
    expectClose(valuesOf(x1, 'w'), [0.0996672, 1]);
    expectClose(valuesOf(agg.stateDict(), 'v/w'), [0.09000099, 0.00000099], 8);
  });

  it("averages by sample count with weighting: 'samples'", () => {
    const agg = new FedAdamAggregator({ weighting: 'samples' }, silentLogger());
    agg.aggregate({ round: 1, current: x0, updates: round1 });
    // weighted mean [3.5, 1]: Δ₁ = [3.5, 0], m₁ = 0.1·Δ₁
    expectClose(valuesOf(agg.stateDict(), 'm/w'), [0.35, 0]);
  });

  it('takes two Adam steps', () => {
    const agg = new FedAdamAggregator(FLOWER_ADAM, silentLogger());
    const x1 = agg.aggregate({ round: 1, current: x0, updates: round1 });
    // m₁ = 0.1·Δ₁ = [0.35, 0]; v₁ = 0.01·Δ₁² = [0.1225, 0]
    // x₁ = x₀ + 0.1·m₁/(√v₁ + 1e-9) = [0.1·0.35/0.350000001, 1 + 0] ≈ [0.1, 1]
    expectClose(valuesOf(x1, 'w'), [0.1, 1]);

    // Round 2: clients [1.1, 3] and [0.1, 1], equal weights → mean [0.6, 2]; Δ₂ = [0.5, 1]
    const x2 = agg.aggregate({
      round: 2,
      current: x1,
      updates: [update(0, 5, { w: [1.1, 3] }), update(1, 5, { w: [0.1, 1] })],
    });
    // m₂ = 0.9·[0.35, 0] + 0.1·[0.5, 1] = [0.365, 0.1]
    // v₂ = 0.99·[0.1225, 0] + 0.01·[0.25, 1] = [0.123775, 0.01]
    // x₂ = x₁ + 0.1·m₂/√v₂ = [0.1 + 0.0365/0.3518167, 1 + 0.01/0.1] = [0.2037472, 1.1]
    expectClose(valuesOf(x2, 'w'), [0.2037472, 1.1]);
    const state = agg.stateDict();
    expectClose(valuesOf(state, 'm/w'), [0.365, 0.1]);
    expectClose(valuesOf(state, 'v/w'), [0.123775, 0.01]);
  });
});

describe('fedyogi', () => {
  it('uses the paper defaults: τ = 1e-3, the unweighted mean of the client changes', () => {
    expect(new FedYogiAggregator({}, silentLogger()).options).toEqual({
      eta: 0.01,
      beta1: 0.9,
      beta2: 0.99,
      tau: 1e-3,
      weighting: 'uniform',
    });
  });

  it('starts v at τ² (Reddi et al. 2021, Algorithm 2)', () => {
    const agg = new FedYogiAggregator({}, silentLogger());
    const x1 = agg.aggregate({ round: 1, current: x0, updates: round1 });
    // Δ₁ = [3, 0] (unweighted); v₁ = τ² − 0.01·Δ₁²·sign(τ² − Δ₁²) = [1e-6 + 0.09, 1e-6]
    // x₁ = [0.01·0.3/(√0.090001 + 1e-3), 1] = [0.0099667, 1]
    expectClose(valuesOf(x1, 'w'), [0.0099667, 1]);
    expectClose(valuesOf(agg.stateDict(), 'v/w'), [0.090001, 0.000001], 8);
  });

  const round2 = [update(0, 1, { w: [0.5, 3] }), update(1, 1, { w: [0.1, 1] })]; // mean [0.3, 2]

  it('takes two Yogi steps, the second shrinking v where Adam would not', () => {
    // v₀ = 0 and weighted means (Flower), so the hand computation below stays short.
    const agg = new FedYogiAggregator({ weighting: 'samples' }, silentLogger());
    agg.loadStateDict({ 'v/w': { shape: [2], data: new Float32Array(2) } });
    const x1 = agg.aggregate({ round: 1, current: x0, updates: round1 });
    // m₁ = [0.35, 0]; v₁ = 0 − 0.01·Δ₁²·sign(0 − Δ₁²) = [0.1225, 0] (sign(0) = 0 keeps v = 0)
    // x₁ = [0.01·0.35/(0.35 + 0.001), 1] = [0.0099715, 1]
    expectClose(valuesOf(x1, 'w'), [0.0099715, 1]);

    const x2 = agg.aggregate({ round: 2, current: x1, updates: round2 });
    // Δ₂ = [0.3 − 0.0099715, 2 − 1] = [0.2900285, 1]; Δ₂² = [0.0841165, 1]
    // m₂ = 0.9·[0.35, 0] + 0.1·Δ₂ = [0.3440028, 0.1]
    // v₂: coordinate 0 has v₁ > Δ², so v shrinks: 0.1225 − 0.01·0.0841165 = 0.1216588
    //     (Adam would give 0.99·0.1225 + 0.01·0.0841165 = 0.1221162); coordinate 1: 0 + 0.01·1 = 0.01
    // x₂ = x₁ + 0.01·m₂/(√v₂ + 0.001) = [0.0099715 + 0.0034400/0.3497982, 1 + 0.001/0.101]
    expectClose(valuesOf(x2, 'w'), [0.0198059, 1.009901]);
    expectClose(valuesOf(agg.stateDict(), 'v/w'), [0.1216588, 0.01]);
  });

  it('resumes from its state dict exactly', () => {
    const original = new FedYogiAggregator({}, silentLogger());
    const x1 = original.aggregate({ round: 1, current: x0, updates: round1 });
    const resumed = new FedYogiAggregator({}, silentLogger());
    resumed.loadStateDict(original.stateDict());
    const a = original.aggregate({ round: 2, current: x1, updates: round2 });
    const b = resumed.aggregate({ round: 2, current: x1, updates: round2 });
    expect(valuesOf(b, 'w')).toEqual(valuesOf(a, 'w'));
  });

  it('keeps separate state per array name', () => {
    const agg = new FedYogiAggregator({}, silentLogger());
    agg.aggregate({ round: 1, current: record({ a: [0] }), updates: [update(0, 1, { a: [1] })] });
    agg.aggregate({ round: 1, current: record({ b: [0, 0] }), updates: [update(0, 1, { b: [2, 2] })] });
    expect(Object.keys(agg.stateDict()).sort()).toEqual(['m/a', 'm/b', 'v/a', 'v/b']);
  });
});

describe('FedOpt state errors', () => {
  it('names the tensor when an array changes shape between rounds', () => {
    const agg = new FedAdamAggregator({}, silentLogger());
    agg.aggregate({ round: 1, current: record({ w: [0, 0] }), updates: [update(0, 1, { w: [1, 1] })] });
    expect(() => agg.aggregate({ round: 2, current: record({ w: [0, 0, 0] }), updates: [update(0, 1, { w: [1, 1, 1] })] })).toThrow(
      /fedadam, round 2: array 'w' now has shape \[3\] but its server state 'm\/w' has shape \[2\]/,
    );
  });

  it.each([
    // a slot the aggregator does not keep: probably another aggregator's checkpoint
    [{ 'momentum/w': { shape: [1], data: new Float32Array(1) } }, /cannot load state entry 'momentum\/w'.*'m', 'v'/],
    // no array name after the slot
    [{ 'm/': { shape: [1], data: new Float32Array(1) } }, /cannot load state entry 'm\/'/],
    // inconsistent entry
    [{ 'm/w': { shape: [2], data: new Float32Array(1) } }, /'m\/w' has shape \[2\] but holds 1 values/],
  ])('refuses a bad state dict %#', (state, message) => {
    const agg = new FedAdamAggregator({}, silentLogger());
    expect(() => agg.loadStateDict(state)).toThrow(AggregationError);
    expect(() => agg.loadStateDict(state)).toThrow(message);
  });

  it.each([
    [{ beta1: 1 }, /beta1/],
    [{ beta2: -0.1 }, /beta2/],
    [{ tau: 0 }, /tau/],
    [{ eta: Number.POSITIVE_INFINITY }, /eta/],
  ])('rejects options %j', (options, message) => {
    expect(() => new FedYogiAggregator(options, silentLogger())).toThrow(message);
  });
});
