/**
 * Adaptive Federated Optimization (FedOpt) [Reddi et al., 2021], ICLR.
 * https://arxiv.org/abs/2003.00295
 *
 * The shared part of FedAdam and FedYogi (Algorithm 2): the server treats the change the clients
 * propose as a pseudo-gradient and applies an adaptive optimiser step to the global arrays x:
 *   Δ   = x̄ − x                        (x̄: the unweighted client mean, Δ_t = (1/|S|) Σ Δ_i as in
 *                                       Algorithm 2; `weighting: 'samples'` uses Flower's weighted mean)
 *   m   ← β₁·m + (1 − β₁)·Δ
 *   v   ← second-moment update          (FedAdam / FedYogi differ only here)
 *   x   ← x + η · m / (√v + τ)
 * m₀ = 0 and v₀ = τ² (the paper's v₋₁ ≥ τ²; Flower starts v at 0), server state per array name
 * (`stateDict()` → `m/<array>`, `v/<array>`). There is no Adam bias correction: that is the
 * paper's Algorithm 2; Flower's FedAdam additionally scales η by √(1−β₂^(t+1)) / (1−β₁^(t+1)).
 *
 * The step is applied to parameters only. BatchNorm running statistics and counters get the plain
 * weighted mean (base.ts): a running variance moved by η·m/(√v+τ) could become negative.
 */
import { z } from 'zod';
import type { ClientContribution } from '../aggregator.js';
import type { ArrayRecord } from '../arrays.js';
import type { Logger } from '../logger.js';
import { BaseAggregator } from './base.js';
import { weightedAverageRecord } from './records.js';
import { ServerState } from './server-state.js';
import { updateWeighting, weighUpdates } from './weighting.js';

/** Defaults that differ between FedAdam and FedYogi. */
export interface FedOptDefaults {
  readonly eta: number;
}

/** The options schema of a FedOpt aggregator, with its own η and τ defaults. */
export function fedOptOptions(defaults: FedOptDefaults) {
  return z.strictObject({
    /**
     * Server learning rate η.
     * @default FedAdam 1e-1, FedYogi 1e-2 (Flower; the paper tunes η per task)
     */
    eta: z.number().positive().finite().default(defaults.eta),
    /**
     * First-moment decay β₁.
     * @default 0.9
     */
    beta1: z.number().min(0).lt(1).default(0.9),
    /**
     * Second-moment decay β₂.
     * @default 0.99
     */
    beta2: z.number().min(0).lt(1).default(0.99),
    /**
     * Adaptivity τ: added to √v, and v starts at τ²; larger values make the step less adaptive.
     * @default 1e-3 (Reddi et al. 2021, §5)
     */
    tau: z.number().positive().finite().default(1e-3),
    /**
     * The client mean that defines Δ: `uniform` (the paper) or by `samples` (Flower).
     * @default 'uniform'
     */
    weighting: updateWeighting.default('uniform'),
  });
}
export type FedOptOptions = z.output<ReturnType<typeof fedOptOptions>>;

export abstract class FedOptAggregator extends BaseAggregator {
  abstract override readonly options: FedOptOptions;
  private readonly state: ServerState;

  protected constructor(name: string, logger: Logger) {
    super(logger);
    this.state = new ServerState(name, ['m', 'v']);
  }

  /**
   * The optimiser's second-moment update, in place: `v[i]` from `v[i]` and the pseudo-gradient
   * `delta[i]`.
   */
  protected abstract updateSecondMoment(v: Float32Array, delta: Float32Array): void;

  protected combine(current: ArrayRecord, updates: readonly ClientContribution[], round: number): ArrayRecord {
    const { eta, beta1, tau, weighting } = this.options;
    const next = weightedAverageRecord(weighUpdates(updates, weighting), { round, layout: current, checked: true });
    for (const [key, entry] of Object.entries(next)) {
      const x = current[key]!.data;
      const m = this.state.buffer('m', key, entry.shape, round);
      const v = this.state.buffer('v', key, entry.shape, round, tau * tau);
      // `out` holds x̄, then Δ, then the new x: no buffer beyond the result.
      const out = entry.data;
      for (let i = 0; i < out.length; i++) {
        out[i] = out[i]! - x[i]!;
        m[i] = beta1 * m[i]! + (1 - beta1) * out[i]!;
      }
      this.updateSecondMoment(v, out);
      for (let i = 0; i < out.length; i++) out[i] = x[i]! + (eta * m[i]!) / (Math.sqrt(v[i]!) + tau);
    }
    return next;
  }

  stateDict(): ArrayRecord {
    return this.state.toRecord();
  }

  loadStateDict(state: ArrayRecord): void {
    this.state.load(state);
  }
}
