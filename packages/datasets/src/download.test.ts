import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadUrl, serveFiles, type LocalServer } from './__fixtures__/http-server.js';
import { downloadFile, type DownloadProgress } from './download.js';

describe('downloadFile', () => {
  const body = new Uint8Array(1 << 20).map((_, i) => (i * 31) & 0xff);
  let server: LocalServer;
  let dir: string;
  beforeAll(async () => {
    server = await serveFiles({ 'data.bin': body });
    dir = mkdtempSync(join(tmpdir(), 'fedloge-download-'));
  });
  afterAll(() => server.close());

  it('streams the body to the destination (creating folders) and reports growing progress', async () => {
    const dest = join(dir, 'nested', 'data.bin');
    const seen: DownloadProgress[] = [];
    await downloadFile(`${server.url}data.bin`, dest, { onProgress: (p) => seen.push(p) });
    expect(readFileSync(dest).equals(body)).toBe(true);
    expect(existsSync(`${dest}.part`)).toBe(false);
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.every((p) => p.file === 'data.bin' && p.totalBytes === body.length)).toBe(true);
    const received = seen.map((p) => p.receivedBytes);
    expect(received).toEqual([...received].sort((a, b) => a - b));
    expect(received.at(-1)).toBe(body.length);
  });

  it('leaves nothing behind when verification rejects the file', async () => {
    const dest = join(dir, 'rejected.bin');
    const attempt = downloadFile(`${server.url}data.bin`, dest, {
      verify: () => {
        throw new Error('checksum mismatch');
      },
    });
    await expect(attempt).rejects.toThrow(/Could not download .*data\.bin to .*rejected\.bin: checksum mismatch/);
    expect(existsSync(dest)).toBe(false);
    expect(existsSync(`${dest}.part`)).toBe(false);
  });

  it('reports the HTTP status of a missing file', async () => {
    await expect(downloadFile(`${server.url}missing.bin`, join(dir, 'missing.bin'))).rejects.toThrow(/HTTP 404/);
  });

  it('names the network error when nothing answers (offline)', async () => {
    const url = `${await deadUrl()}data.bin`;
    await expect(downloadFile(url, join(dir, 'offline.bin'))).rejects.toThrow(/ECONNREFUSED/);
  });
});
