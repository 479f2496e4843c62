/**
 * How an aggregator that averages client arrays weighs them: `uniform` (each update counts once,
 * as in the papers of Multi-Krum and FedAdam/FedYogi) or `samples` (by the claimed training-set
 * size `weight ?? numSamples`, as FedAvg and Flower do). Uniform weighting keeps a client from
 * buying influence by claiming a large data set.
 */
import { z } from 'zod';
import type { ClientContribution } from '../aggregator.js';

export const updateWeighting = z.enum(['uniform', 'samples']);
export type UpdateWeighting = z.output<typeof updateWeighting>;

/** `updates` with the weights `weighting` asks for (unchanged for `samples`). */
export function weighUpdates(updates: readonly ClientContribution[], weighting: UpdateWeighting): readonly ClientContribution[] {
  return weighting === 'samples' ? updates : updates.map((u) => ({ ...u, weight: 1 }));
}
