import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { downloadProgressPrinter } from './download-progress.js';

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c.toString()));
  return { stream, text: () => chunks.join('') };
}

describe('downloadProgressPrinter', () => {
  it('prints a line per 10 % step and the finished size when not on a TTY', () => {
    const { stream, text } = capture();
    const report = downloadProgressPrinter(stream, false);
    const total = 20 * 1024 * 1024;
    for (let received = 0; received <= total; received += 512 * 1024)
      report({ file: 'x.tar.gz', receivedBytes: received, totalBytes: total });
    const lines = text().trimEnd().split('\n');
    // 0 %, 10 %, …, 100 %: one line each, although 41 chunks arrived.
    expect(lines).toHaveLength(11);
    expect(lines[0]).toBe('downloading x.tar.gz: 0.0 / 20.0 MB (0 %)');
    expect(lines[10]).toBe('downloading x.tar.gz: 20.0 / 20.0 MB (100 %)');
  });

  it('rewrites one line on a TTY and ends it when the file is complete', () => {
    const { stream, text } = capture();
    const report = downloadProgressPrinter(stream, true);
    report({ file: 'f', receivedBytes: 1024 * 1024, totalBytes: 2 * 1024 * 1024 });
    report({ file: 'f', receivedBytes: 2 * 1024 * 1024, totalBytes: 2 * 1024 * 1024 });
    expect(text()).toBe('\rdownloading f: 1.0 / 2.0 MB (50 %)\rdownloading f: 2.0 / 2.0 MB (100 %)\n');
  });

  it('counts megabytes when the server sends no length', () => {
    const { stream, text } = capture();
    const report = downloadProgressPrinter(stream, false);
    for (let mb = 0; mb <= 25; mb++) report({ file: 'f', receivedBytes: mb * 1024 * 1024, totalBytes: undefined });
    expect(text().trimEnd().split('\n')).toEqual(['downloading f: 0.0 MB', 'downloading f: 10.0 MB', 'downloading f: 20.0 MB']);
  });
});
