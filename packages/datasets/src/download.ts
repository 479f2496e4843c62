import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';

/** Reported while a file downloads (at most once per received chunk). */
export interface DownloadProgress {
  /** Base name of the file being downloaded. */
  readonly file: string;
  readonly receivedBytes: number;
  /** From Content-Length; undefined when the server does not send it. */
  readonly totalBytes: number | undefined;
}

export type ProgressCallback = (progress: DownloadProgress) => void;

export interface DownloadOptions {
  readonly onProgress?: ProgressCallback;
  /**
   * Runs on the finished temporary file before it is moved into place; throw to reject it
   * (checksum mismatch). The temporary file is deleted on any failure.
   */
  readonly verify?: (tempPath: string) => Promise<void> | void;
  /** Abort when no byte arrives for this long. @default 60000 */
  readonly stallTimeoutMs?: number;
}

/**
 * Download `url` to `dest`, streaming to `dest.part` and renaming only after `verify` accepts it,
 * so an interrupted or corrupt download never leaves a file that a later run would trust.
 */
export async function downloadFile(url: string, dest: string, options: DownloadOptions = {}): Promise<void> {
  const { onProgress, verify, stallTimeoutMs = 60_000 } = options;
  const file = dest.slice(dirname(dest).length + 1);
  const temp = `${dest}.part`;
  await mkdir(dirname(dest), { recursive: true });

  // A stall timer rather than a total timeout: a 170 MB file on a slow link may take minutes.
  const abort = new AbortController();
  let stallTimer: NodeJS.Timeout | undefined;
  const armStallTimer = () => {
    clearTimeout(stallTimer);
    stallTimer = setTimeout(() => abort.abort(new Error(`no data for ${stallTimeoutMs / 1000} s`)), stallTimeoutMs);
  };

  try {
    armStallTimer();
    const response = await fetch(url, { signal: abort.signal, redirect: 'follow' });
    if (!response.ok || response.body === null) {
      throw new Error(`the server answered HTTP ${response.status} ${response.statusText}`);
    }
    const length = Number(response.headers.get('content-length'));
    const totalBytes = Number.isFinite(length) && length > 0 ? length : undefined;
    let receivedBytes = 0;
    const progress = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        armStallTimer();
        receivedBytes += chunk.length;
        onProgress?.({ file, receivedBytes, totalBytes });
        done(null, chunk);
      },
    });
    await pipeline(Readable.fromWeb(response.body as WebReadableStream), progress, createWriteStream(temp));
    if (totalBytes !== undefined && receivedBytes !== totalBytes) {
      throw new Error(`the connection closed after ${receivedBytes} of ${totalBytes} bytes`);
    }
    await verify?.(temp);
    await rename(temp, dest);
  } catch (err) {
    await rm(temp, { force: true });
    throw new Error(`Could not download ${url} to ${dest}: ${describeFetchError(err)}`, { cause: err });
  } finally {
    clearTimeout(stallTimer);
  }
}

/** fetch() hides the useful part ("ENOTFOUND", "ECONNREFUSED") in `cause`. */
function describeFetchError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause;
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return `${err.message} (${code !== undefined ? `${code}: ` : ''}${cause.message})`;
  }
  return err.message;
}
