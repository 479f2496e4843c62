/** How many worker threads a run uses. */
import { availableParallelism } from 'node:os';

/**
 * `workers` from config → threads to start. A number is capped at the clients trained per round
 * (extra threads would idle). `auto` = min(2, cores, clients per round) when that is at least 2,
 * else 0: one worker only adds start-up and copying to what the main thread does itself.
 */
export function resolveWorkerCount(setting: number | 'auto', clientsPerRound: number, cores: number = availableParallelism()): number {
  if (setting !== 'auto') return Math.min(setting, clientsPerRound);
  const n = Math.min(2, cores, clientsPerRound);
  return n >= 2 ? n : 0;
}
