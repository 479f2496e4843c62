/** Exponential backoff with jitter for retrying calls while the link is unreachable. */
export interface RetryOptions {
  /** First wait, ms (default 250). */
  readonly initialDelayMs?: number;
  /** Longest single wait, ms (default 10 000). */
  readonly maxDelayMs?: number;
  /** Growth per attempt (default 2). */
  readonly multiplier?: number;
  /** Relative jitter: each wait is scaled by a uniform factor in [1 - jitter, 1 + jitter] (default 0.2). */
  readonly jitter?: number;
  /** Give up once this much time (ms) has passed since the first attempt (default 120 000). */
  readonly maxElapsedMs?: number;
}

export const DEFAULT_RETRY: Required<RetryOptions> = {
  initialDelayMs: 250,
  maxDelayMs: 10_000,
  multiplier: 2,
  jitter: 0.2,
  maxElapsedMs: 120_000,
};

/** Wait before retry number `attempt` (0 = the first retry). Jitter keeps many nodes from retrying in step. */
export function backoffDelayMs(attempt: number, options: RetryOptions = {}, random: () => number = Math.random): number {
  const o = { ...DEFAULT_RETRY, ...options };
  const base = Math.min(o.maxDelayMs, o.initialDelayMs * o.multiplier ** attempt);
  return Math.max(0, base * (1 + o.jitter * (2 * random() - 1)));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
