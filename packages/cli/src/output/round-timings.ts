/**
 * summary.json `timing`: how a run's wall time splits between training and evaluation, from the
 * per-round `trainSeconds` / `evalSeconds` the round loop records (metrics.jsonl has them round by
 * round). Evaluation runs only every `evalEvery` rounds, so its cost is given per evaluated round
 * and compared with a round's training: `evalToTrain` is the figure the evaluation-cost goal of
 * packages/cuda-kernels/BENCHMARKS.md is stated in.
 */
import type { RoundRecord } from '@fedloge/core';

export interface RoundTimings {
  /** Rounds recorded (those before a resume included). */
  readonly rounds: number;
  /** Σ trainSeconds: local training of the sampled clients plus aggregation. */
  readonly trainSeconds: number;
  /** Rounds that were evaluated. */
  readonly evaluatedRounds: number;
  /** Σ evalSeconds: GM and PM evaluation. */
  readonly evalSeconds: number;
  /** trainSeconds / rounds; null without rounds. */
  readonly trainSecondsPerRound: number | null;
  /** evalSeconds / evaluatedRounds; null when no round was evaluated. */
  readonly evalSecondsPerEvaluatedRound: number | null;
  /** evalSecondsPerEvaluatedRound / trainSecondsPerRound; null when either is missing or training took no time. */
  readonly evalToTrain: number | null;
}

export function roundTimings(rounds: readonly RoundRecord[]): RoundTimings {
  const evaluated = rounds.filter((r) => r.gm !== undefined);
  const trainSeconds = rounds.reduce((s, r) => s + r.trainSeconds, 0);
  const evalSeconds = evaluated.reduce((s, r) => s + r.evalSeconds, 0);
  const trainPerRound = rounds.length > 0 ? trainSeconds / rounds.length : null;
  const evalPerRound = evaluated.length > 0 ? evalSeconds / evaluated.length : null;
  return {
    rounds: rounds.length,
    trainSeconds,
    evaluatedRounds: evaluated.length,
    evalSeconds,
    trainSecondsPerRound: trainPerRound,
    evalSecondsPerEvaluatedRound: evalPerRound,
    evalToTrain: trainPerRound !== null && trainPerRound > 0 && evalPerRound !== null ? evalPerRound / trainPerRound : null,
  };
}
