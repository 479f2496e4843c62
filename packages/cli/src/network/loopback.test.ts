/**
 * A federation over loopback with real processes: `fedloge server` and two `fedloge client`
 * processes hosting 4 clients each train the tiny FedLoGe run for 3 rounds and write the same
 * metrics.jsonl (timings aside) and the same final checkpoint (global model, local heads, server
 * momentum) as `fedloge train` with the same seed. Then the server is killed between rounds and
 * resumed from its run folder, and the clients find it again.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { decodeCheckpoint } from '@fedloge/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, writeTinyPartition } from '../__fixtures__/tiny-run.js';
import { runCli } from '../__fixtures__/run-cli.js';
import { spawnCli, waitForFile } from '../__fixtures__/spawn-cli.js';
import { CLIENT_STATE_FILE } from './client-host.js';
import { startClient, startServer, stopAll, tinyRunArgs, type Spawned } from './__fixtures__/federation.js';

/** Evaluated once, after the last round: evaluation (10 000 test images on wasm) is the slow part and the same code in both engines. */
const runArgs = (dir: string, out: string) => [...tinyRunArgs(dir, out), '--eval-every', '100'];

function untimedMetrics(out: string): unknown[] {
  return readFileSync(join(out, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const { trainSeconds: _t, evalSeconds: _e, clients, ...rest } = JSON.parse(line);
      return { ...rest, clients: clients.map(({ seconds: _s, ...c }: { seconds: number }) => c) };
    });
}

function lastCheckpoint(out: string) {
  const dir = join(out, 'checkpoints');
  const names = readdirSync(dir).sort();
  return decodeCheckpoint(readFileSync(join(dir, names[names.length - 1]!)), names[names.length - 1]!).checkpoint;
}

/** Every round's record (metrics.jsonl holds the evaluated ones only), timings aside. */
function untimedRecords(out: string): unknown[] {
  const dir = join(out, 'checkpoints');
  const name = readdirSync(dir).sort().pop()!;
  const { meta } = decodeCheckpoint(readFileSync(join(dir, name)), name);
  return (meta as { records: Record<string, unknown>[] }).records.map(({ trainSeconds: _t, evalSeconds: _e, clients, ...rest }) => ({
    ...rest,
    clients: (clients as { seconds: number }[]).map(({ seconds: _s, ...c }) => c),
  }));
}

describe('fedloge server + fedloge client over loopback', () => {
  let dir: string;
  const clients: Spawned[] = [];
  beforeAll(async () => {
    dir = tempDir('loopback');
    writeTinyPartition(dir, 8, 40);
    const { code, stderr } = await runCli(['train', ...runArgs(dir, join(dir, 'inproc'))], dir);
    expect(code, stderr).toBe(0);
  }, 600_000);
  afterAll(() => stopAll(clients));

  it('2 client processes × 4 clients match the in-process run', async () => {
    const out = join(dir, 'network');
    const server = await startServer(runArgs(dir, out), dir);
    clients.push(startClient(server.port, '0-3', join(dir, 'c0'), dir), startClient(server.port, '4-7', join(dir, 'c1'), dir));
    const { code, stderr } = await server.exited;
    expect(code, stderr).toBe(0);
    expect(stderr).toContain('clients: 8 of 8 joined');
    // The server told its nodes the run is over: both client processes leave by themselves, with status 0.
    for (const c of clients) {
      const ended = await c.exited;
      expect(ended.code, ended.stderr).toBe(0);
      expect(ended.stderr).toMatch(/client: the server finished run [0-9a-f]+ \(completed\); leaving/);
    }
    expect(untimedMetrics(out)).toEqual(untimedMetrics(join(dir, 'inproc')));
    expect(untimedRecords(out)).toEqual(untimedRecords(join(dir, 'inproc')));
    const a = lastCheckpoint(out);
    const b = lastCheckpoint(join(dir, 'inproc'));
    expect(a.global).toEqual(b.global);
    expect(a.clientStates).toEqual(b.clientStates);
    expect(a.aggregatorState).toEqual(b.aggregatorState);
    // Each client process keeps its clients' states in its own folder, equal to the server's copy.
    await stopAll(clients.splice(0));
    for (const [folder, ids] of [
      ['c0', [0, 1, 2, 3]],
      ['c1', [4, 5, 6, 7]],
    ] as const) {
      const file = join(dir, folder, CLIENT_STATE_FILE);
      const own = decodeCheckpoint(readFileSync(file), file).checkpoint.clientStates;
      const trained = Object.keys(a.clientStates).filter((k) => (ids as readonly number[]).includes(Number(k.split('/')[0])));
      expect(trained.length).toBeGreaterThan(0);
      expect(Object.keys(own).sort()).toEqual(trained.sort());
      for (const k of trained) expect(own[k]).toEqual(a.clientStates[k]);
    }
  }, 600_000);

  it('a server killed between rounds resumes from its run folder; the same clients rejoin', async () => {
    const out = join(dir, 'killed');
    const server = await startServer(runArgs(dir, out), dir);
    clients.push(startClient(server.port, '0-3', join(dir, 'd0'), dir), startClient(server.port, '4-7', join(dir, 'd1'), dir));
    await waitForFile(join(out, 'checkpoints', 'round-00001.ckpt'), 300_000, server.exited);
    server.child.kill('SIGKILL');
    expect((await server.exited).signal).toBe('SIGKILL');
    // The clients keep running and retrying with backoff; the resumed server listens on the same port.
    const resumed = spawnCli(['server', '--resume', out, '--listen', `127.0.0.1:${server.port}`, '--insecure'], dir);
    const { code, stderr } = await resumed.exited;
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/resume: from .*round-0000[12]\.ckpt/);
    expect(untimedMetrics(out)).toEqual(untimedMetrics(join(dir, 'inproc')));
    expect(untimedRecords(out)).toEqual(untimedRecords(join(dir, 'inproc')));
    expect(lastCheckpoint(out).global).toEqual(lastCheckpoint(join(dir, 'inproc')).global);
  }, 600_000);
});
