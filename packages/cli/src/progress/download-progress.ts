/**
 * Download progress of the data set files on stderr: on a TTY one line rewritten in place, otherwise
 * a line every 10 % (or every 10 MB when the server sends no length), and always the finished size.
 */
import type { DownloadProgress, ProgressCallback } from '@fedloge/datasets';

const MB = 1024 * 1024;

export function downloadProgressPrinter(
  stream: NodeJS.WritableStream & { readonly isTTY?: boolean },
  tty = stream.isTTY === true,
): ProgressCallback {
  let lastStep = -1;
  return ({ file, receivedBytes, totalBytes }: DownloadProgress) => {
    const done = totalBytes !== undefined && receivedBytes >= totalBytes;
    const step =
      totalBytes !== undefined && totalBytes > 0 ? Math.floor((10 * receivedBytes) / totalBytes) : Math.floor(receivedBytes / (10 * MB));
    if (!tty && step === lastStep && !done) return;
    lastStep = step;
    const size =
      totalBytes !== undefined
        ? `${mb(receivedBytes)} / ${mb(totalBytes)} MB (${Math.floor((100 * receivedBytes) / Math.max(totalBytes, 1))} %)`
        : `${mb(receivedBytes)} MB`;
    const line = `downloading ${file}: ${size}`;
    stream.write(tty ? `\r${line}${done ? '\n' : ''}` : `${line}\n`);
  };
}

const mb = (bytes: number) => (bytes / MB).toFixed(1);
