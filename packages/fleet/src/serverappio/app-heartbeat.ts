/**
 * An app process's heartbeat on the ServerAppIo API, on Flower's schedule (flwr/supercore/heartbeat.py,
 * 1.26): the token a launcher got lives 30 s (HEARTBEAT_DEFAULT_INTERVAL), each heartbeat extends it
 * to 2 × 30 s (HEARTBEAT_PATIENCE), and the sender pings every (30 − 5) × (0.8 ± 0.1) s, 5 s being the
 * call timeout. A run whose token expires is marked finished:failed ("No heartbeat received from the
 * run."); `success: false` means the token is gone already (the run was stopped with `flwr stop`).
 */
import { status } from '@grpc/grpc-js';
import { backoffDelayMs } from '../client/backoff.js';
import { ServerAppIoCallError, type ServerAppIoClient } from './serverappio-client.js';

/** Flower's HEARTBEAT_DEFAULT_INTERVAL, HEARTBEAT_CALL_TIMEOUT (s), HEARTBEAT_BASE_MULTIPLIER and HEARTBEAT_RANDOM_RANGE. */
export const APP_HEARTBEAT = { intervalS: 30, callTimeoutS: 5, multiplier: 0.8, jitter: 0.1 } as const;

/** Seconds until the next heartbeat after a successful one. */
export function appHeartbeatDelayS(random: () => number = Math.random): number {
  const { intervalS, callTimeoutS, multiplier, jitter } = APP_HEARTBEAT;
  return (intervalS - callTimeoutS) * (multiplier + jitter * (2 * random() - 1));
}

export interface AppHeartbeat {
  stop(): void;
}

/**
 * Heartbeat `token` until stopped. Unreachable or slow link: retried with backoff up to 20 s (as Flower's
 * sender does); a refused token or any other failure calls `onLost` once and stops.
 */
export function startAppHeartbeat(client: ServerAppIoClient, token: string, onLost: (reason: string) => void): AppHeartbeat {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const schedule = (ms: number, attempt: number) => {
    if (stopped) return;
    timer = setTimeout(() => void beat(attempt), ms);
    timer.unref();
  };
  const beat = async (attempt: number) => {
    try {
      const ok = await client.sendAppHeartbeat(token);
      if (stopped) return;
      if (!ok) {
        stopped = true;
        return onLost('the SuperLink no longer knows this run’s token (the run was stopped, or its heartbeat expired)');
      }
      schedule(appHeartbeatDelayS() * 1000, 0);
    } catch (e) {
      if (stopped) return;
      if (e instanceof ServerAppIoCallError && (e.code === status.UNAVAILABLE || e.code === status.DEADLINE_EXCEEDED)) {
        // UNAVAILABLE / DEADLINE_EXCEEDED: Flower's sender retries these with exponential backoff (max 20 s).
        schedule(backoffDelayMs(attempt, { initialDelayMs: 1000, maxDelayMs: 20_000 }), attempt + 1);
        return;
      }
      stopped = true;
      onLost(`app heartbeat failed: ${(e as Error).message}`);
    }
  };
  // The first heartbeat right away: the launcher's token has only 30 s left.
  schedule(0, 0);
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
