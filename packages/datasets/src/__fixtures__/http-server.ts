/** A real HTTP server on 127.0.0.1 serving fixed bodies, for testing downloads without the internet. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LocalServer {
  /** Base URL ending in `/`. */
  readonly url: string;
  /** Paths requested so far, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

/** Serve `files` (path without leading `/` → body); anything else is a 404. */
export async function serveFiles(files: Record<string, Uint8Array>): Promise<LocalServer> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').slice(1);
    requests.push(path);
    const body = files[path];
    if (body === undefined) {
      res.writeHead(404, 'Not Found').end();
      return;
    }
    res.writeHead(200, { 'content-length': body.length, 'content-type': 'application/octet-stream' });
    // Several chunks, so progress is reported more than once.
    const chunk = Math.max(1, Math.ceil(body.length / 4));
    for (let i = 0; i < body.length; i += chunk) res.write(body.subarray(i, i + chunk));
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () => new Promise((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}

/** A URL on which nothing listens (a port just freed), to simulate being offline. */
export async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}/`;
}
