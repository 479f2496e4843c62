/**
 * Errors thrown inside a strategy's hooks are re-thrown tagged with the strategy, the hook, the
 * round and the client (as vite's plugin container stamps errors with the plugin), so a stack
 * trace from deep inside tfjs still says whose code was running.
 */

export interface HookSite {
  readonly strategy: string;
  readonly hook: string;
  readonly round: number;
  readonly clientId?: number;
}

export class StrategyError extends Error {
  override readonly name = 'StrategyError';
  readonly strategy: string;
  readonly hook: string;
  readonly round: number;
  readonly clientId: number | undefined;

  constructor(site: HookSite, cause: unknown) {
    const where = `round ${site.round}${site.clientId === undefined ? '' : `, client ${site.clientId}`}`;
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`Strategy '${site.strategy}' failed in ${site.hook} (${where}): ${reason}`, { cause });
    this.strategy = site.strategy;
    this.hook = site.hook;
    this.round = site.round;
    this.clientId = site.clientId;
  }
}

/** Run `fn` (sync or async); any error it throws comes back as a `StrategyError` for `site`. */
export async function callHook<T>(site: HookSite, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw e instanceof StrategyError ? e : new StrategyError(site, e);
  }
}

/** Synchronous `callHook`, for hooks called inside tensor code (predictors). */
export function callHookSync<T>(site: HookSite, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw e instanceof StrategyError ? e : new StrategyError(site, e);
  }
}
