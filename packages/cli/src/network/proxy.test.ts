/**
 * Delay and broken connections, through a TCP proxy between the clients and the server (this
 * kernel has no netem): with 100 ms added each way every round still completes with every client
 * and correct updates; when every connection is cut mid-round, the nodes reconnect (backoff) and
 * the round completes (at worst on its retry). Echo clients (no training) in their own processes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { FleetServer } from '@fedloge/fleet';
import type { ArrayRecord, Logger } from '@fedloge/core';
import { afterEach, describe, expect, it } from 'vitest';
import { ClientDirectory } from './client-directory.js';
import { FleetServerLink } from './fleet-server-link.js';
import { NetworkExecutor } from './network-executor.js';
import { TcpProxy } from './__fixtures__/tcp-proxy.js';

const warnings: string[] = [];
const logger: Logger = { info: () => {}, warn: (m) => void warnings.push(m), debug: () => {} };
const FLOATS = 421_930; // the small CNN

describe('network faults through a TCP proxy', () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  async function federation(clients: number, delayMs: number, roundTimeoutSeconds = 60, retries = 0) {
    const server = await FleetServer.start({ address: '127.0.0.1:0', run: { runId: 4n } });
    cleanup.push(() => server.stop());
    const proxy = await new TcpProxy({ host: '127.0.0.1', port: server.port }, delayMs).start();
    cleanup.push(() => proxy.stop());
    const link = new FleetServerLink(server, logger);
    const spec = { strategy: { name: 'echo' }, dataset: { name: 'none' }, partition: { trainIndices: [] } } as never;
    const directory = new ClientDirectory(link, { runId: 'proxy', spec, backend: 'cpu' }, logger);
    const executor = new NetworkExecutor({
      link,
      directory,
      runId: 'proxy',
      roundTimeoutSeconds,
      minClients: clients,
      retries,
      logger,
    });
    const script = fileURLToPath(new URL('./__fixtures__/echo-client.mjs', import.meta.url));
    const children: ChildProcess[] = [];
    for (let k = 0; k < clients; k++) {
      const child = spawn(process.execPath, [script, `127.0.0.1:${proxy.port}`, String(k), '10'], {
        stdio: ['ignore', 'ignore', process.env['FEDLOGE_DEBUG'] ? 'inherit' : 'ignore'],
      });
      children.push(child);
      cleanup.push(() => child.kill('SIGTERM'));
    }
    await directory.waitFor(clients, 60_000);
    return { executor, proxy, server };
  }

  const payload = (round: number): ArrayRecord => ({ 'backbone.w': { shape: [FLOATS], data: new Float32Array(FLOATS).fill(round) } });
  const tasks = (round: number, clients: number) =>
    Array.from({ length: clients }, (_, clientId) => ({ round, clientId, payload: payload(round), state: undefined }));

  it('with 100 ms added each way, every round completes with every client', async () => {
    const { executor } = await federation(2, 100);
    for (let round = 1; round <= 2; round++) {
      const results = await executor.run(tasks(round, 2));
      expect(results.map((r) => r.clientId)).toEqual([0, 1]);
      for (const r of results) expect(r.arrays['backbone.w']!.data.every((v) => v === round)).toBe(true);
    }
  }, 120_000);

  it('connections cut mid-round: the nodes reconnect and the round completes with both clients', async () => {
    // The link hands an instruction out again until the node confirms it; the retry (10 s deadline) is the backstop.
    const { executor, proxy } = await federation(2, 20, 10, 1);
    const run = executor.run(tasks(1, 2));
    await new Promise((r) => setTimeout(r, 150));
    expect(proxy.cut()).toBeGreaterThan(0);
    setTimeout(() => proxy.cut(), 400);
    const results = await run;
    expect(results.map((r) => r.clientId)).toEqual([0, 1]);
    for (const r of results) expect(r.arrays['backbone.w']!.data.every((v) => v === 1)).toBe(true);
    expect((await executor.run(tasks(2, 2))).map((r) => r.clientId)).toEqual([0, 1]);
  }, 120_000);
});
