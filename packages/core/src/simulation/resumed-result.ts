/**
 * A resumed simulation returns only the rounds it ran; the run's result is those rounds after the
 * ones recorded before the interruption (kept in the checkpoint), with the best rounds chosen
 * over all of them.
 */
import type { EvaluatedRoundRecord, RoundRecord, RunResult } from './records.js';
import { bestRound } from './simulation.js';

/** `result` preceded by `earlier` rounds (which took `earlierSeconds`). */
export function withEarlierRounds(earlier: readonly RoundRecord[], result: RunResult, earlierSeconds = 0): RunResult {
  const rounds = [...earlier, ...result.rounds];
  const evaluated = rounds.filter((r): r is EvaluatedRoundRecord => r.gm !== undefined);
  return {
    ...result,
    rounds,
    best: { gm: bestRound(evaluated, 'gm'), pm: bestRound(evaluated, 'pm') },
    totalSeconds: earlierSeconds + result.totalSeconds,
  };
}
