/**
 * Learning-rate schedules on a per-ROUND clock: round t (1-based) trains every client at the same
 * lr(t) = train.lr · factor(t), a fresh optimiser per client-round (FL-bench, PFLlib and Flower's
 * examples schedule the client lr by round). factor(t) is torch.optim.lr_scheduler's value after
 * t − 1 calls of scheduler.step():
 *   step:    γ^⌊s/stepRounds⌋                         (StepLR(step_size, gamma))
 *   cosine:  η + (1 − η)·(1 + cos(π·s/periodRounds))/2, η = minFactor   (CosineAnnealingLR(T_max, eta_min = η·lr))
 * with s = t − 1; a warm-up of W rounds first runs LinearLR(start_factor, total_iters = W),
 *   f + (1 − f)·s/W for s < W, and then the schedule from s − W (SequentialLR(milestones = [W])).
 */
export type LrSchedule =
  | { readonly name: 'constant'; readonly warmupRounds?: number; readonly warmupStartFactor?: number }
  | {
      readonly name: 'step';
      readonly stepRounds: number;
      /** @default 0.1 */
      readonly gamma?: number;
      readonly warmupRounds?: number;
      readonly warmupStartFactor?: number;
    }
  | {
      readonly name: 'cosine';
      /** T_max in rounds (resolveSimulationConfig fills in the run's rounds minus the warm-up). */
      readonly periodRounds?: number;
      /** eta_min as a fraction of lr. @default 0 */
      readonly minFactor?: number;
      readonly warmupRounds?: number;
      readonly warmupStartFactor?: number;
    };

/** torch.optim.lr_scheduler.LinearLR's default start_factor. */
export const WARMUP_START_FACTOR = 1 / 3;
export const STEP_GAMMA = 0.1;

/** lr(t) / lr for `round` (1-based). */
export function lrFactorAt(schedule: LrSchedule | undefined, round: number): number {
  if (!Number.isInteger(round) || round < 1) throw new RangeError(`lrFactorAt: expected a round >= 1 but received ${round}`);
  if (!schedule) return 1;
  const warmup = schedule.warmupRounds ?? 0;
  const s = round - 1;
  if (s < warmup) {
    const f = schedule.warmupStartFactor ?? WARMUP_START_FACTOR;
    return f + ((1 - f) * s) / warmup;
  }
  const k = s - warmup;
  switch (schedule.name) {
    case 'constant':
      return 1;
    case 'step':
      return (schedule.gamma ?? STEP_GAMMA) ** Math.floor(k / schedule.stepRounds);
    case 'cosine': {
      const period = schedule.periodRounds;
      if (period === undefined)
        throw new RangeError('lrSchedule cosine: periodRounds is not set; resolveSimulationConfig fills it in from rounds');
      const eta = schedule.minFactor ?? 0;
      return eta + ((1 - eta) * (1 + Math.cos((Math.PI * k) / period))) / 2;
    }
  }
}

/** The lr clients train with in `round`: `lr` itself (bit for bit) when no schedule is set. */
export function lrAtRound(lr: number, schedule: LrSchedule | undefined, round: number): number {
  if (!schedule || (schedule.name === 'constant' && !schedule.warmupRounds)) return lr;
  return lr * lrFactorAt(schedule, round);
}
