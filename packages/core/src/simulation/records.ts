/** What a simulation records per round and returns at the end (the CLI writes these to disk). */
import type { ArrayRecord } from '../arrays.js';
import type { ShotAccuracy } from '../metrics/shot-accuracy.js';
import type { GroupPredictions, UnpredictedGroupWarning } from './unpredicted-groups.js';

/** One trained client in one round. */
export interface ClientRoundInfo {
  readonly clientId: number;
  readonly numSamples: number;
  readonly seconds: number;
  /** The client's `ClientUpdate.metrics` (e.g. `loss`). */
  readonly metrics: Readonly<Record<string, number>>;
  /** True when the update held NaN/Infinity and was left out of aggregation. */
  readonly discarded: boolean;
}

export interface RoundRecord {
  /** 1-based round number. */
  readonly round: number;
  /** Headline GM; present on evaluated rounds only (as every evaluation field). */
  readonly gm?: ShotAccuracy;
  /** Headline PM: `pmMasked` or `pmUnmasked`, as `RunResult.pmMasked` says. */
  readonly pm?: ShotAccuracy;
  /** The headline PM variant with classes absent from the client's local test set masked. */
  readonly pmMasked?: ShotAccuracy;
  readonly pmUnmasked?: ShotAccuracy;
  /** `gm/<name>`, `pm/<name>`, `pm/<name>/unmasked` for every variant. */
  readonly variants?: Readonly<Record<string, ShotAccuracy>>;
  /** Per GM variant key: test images predicted as a head, middle and tail class (evaluated rounds). */
  readonly gmPredicted?: Readonly<Record<string, GroupPredictions>>;
  /** Warnings raised at this round (a GM variant that predicted no class of a group for many evaluations). */
  readonly warnings?: readonly UnpredictedGroupWarning[];
  /** Wall time of local training (all clients) plus aggregation. */
  readonly trainSeconds: number;
  /** Wall time of the evaluation; 0 when the round was not evaluated. */
  readonly evalSeconds: number;
  /** Mean `loss` metric over the round's clients that reported one; null when none did. */
  readonly trainLoss: number | null;
  /** Mean of each client metric over the round's clients that reported it. */
  readonly trainMetrics: Readonly<Record<string, number>>;
  readonly clients: readonly ClientRoundInfo[];
  /** False when every client update of the round was dropped, so the global model did not change. */
  readonly globalUpdated: boolean;
}

/** A round that was evaluated. */
export type EvaluatedRoundRecord = RoundRecord & Required<Pick<RoundRecord, 'gm' | 'pm' | 'pmMasked' | 'pmUnmasked' | 'variants'>>;

/** The best value of a headline metric over the evaluated rounds (the reference's searchBest). */
export interface BestRound {
  readonly round: number;
  readonly metrics: ShotAccuracy;
}

export interface RunResult {
  readonly strategy: string;
  readonly rounds: readonly RoundRecord[];
  /** The last round, which is always evaluated. */
  readonly final: EvaluatedRoundRecord;
  /** GM and PM best rounds, chosen separately by headline `acc` (ties: the earlier round). */
  readonly best: { readonly gm: BestRound; readonly pm: BestRound };
  /** Rounds in which every client update was dropped (NaN/Infinity), so the global model did not change. */
  readonly roundsWithoutUpdate: readonly number[];
  /**
   * GM variants that predicted no class of a head/middle/tail group for `warnUnpredictedAfter`
   * evaluations in a row (one per variant and group), each following its streak to its last round.
   */
  readonly warnings: readonly UnpredictedGroupWarning[];
  /** Whether the headline PM (`pm`, best PM) is the masked one (eval `pmMasking`, per strategy under 'reference'). */
  readonly pmMasked: boolean;
  /** Headline GM accuracy per class after the last round. */
  readonly perClassAccuracy: readonly (number | null)[];
  /** Headline PM accuracy of each client after the last round (index = client id; null: no local test data). */
  readonly pmPerClient: readonly (number | null)[];
  /** The final global arrays (for checkpoints and post-hoc steps). */
  readonly global: ArrayRecord;
  readonly totalSeconds: number;
}
