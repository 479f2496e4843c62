/**
 * An app's output mirrored to the SuperLink, where `flwr log <run id>` reads it: text is collected and
 * pushed with PushLogs at most every 0.2 s (Flower's LOG_UPLOAD_INTERVAL; flwr/common/logger.py
 * `_log_uploader`, which also sends node id 0 and ignores an unreachable link).
 */
import type { ServerAppIoClient } from './serverappio-client.js';

/** Flower's LOG_UPLOAD_INTERVAL (ms). */
export const LOG_UPLOAD_INTERVAL_MS = 200;

export interface LogUploader {
  /** Queue text (kept as is, newlines included). */
  write(text: string): void;
  /** Push what is queued now (Flower pushes the last logs before it reports the run's end). Never throws. */
  flush(): Promise<void>;
  /** Push what is queued and stop. Never throws. */
  stop(): Promise<void>;
}

export function startLogUploader(client: ServerAppIoClient, runId: bigint, onError: (e: Error) => void = () => undefined): LogUploader {
  let queued: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  let stopped = false;
  const push = (): Promise<void> => {
    timer = undefined;
    if (queued.length === 0) return inFlight;
    const logs = queued;
    queued = [];
    inFlight = inFlight.then(() => client.pushLogs(runId, logs).catch((e: unknown) => onError(e as Error)));
    return inFlight;
  };
  return {
    write(text) {
      if (stopped || text === '') return;
      queued.push(text);
      if (!timer) {
        timer = setTimeout(() => void push(), LOG_UPLOAD_INTERVAL_MS);
        timer.unref();
      }
    },
    async flush() {
      if (timer) clearTimeout(timer);
      await push();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await push();
    },
  };
}
