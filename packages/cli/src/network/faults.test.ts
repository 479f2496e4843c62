/**
 * Faults of a real federation (server and client processes, the built dist/): a client stopped
 * past the round timeout (its late reply is refused, the next round is whole), a client killed
 * mid-round (marked offline, the run goes on with --min-clients), and, inside a network
 * namespace, the client's link down for 5 s (the round waits and completes). Small runs: 4 clients
 * of 40 images, 2 rounds, evaluated once at the end.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { decodeCheckpoint } from '@fedloge/core';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, writeTinyPartition } from '../__fixtures__/tiny-run.js';
import { createNetns, netnsUnavailable, type Netns } from './__fixtures__/netns.js';
import { startClient, startServer, stopAll, tinyRunArgs, waitForLine, type Spawned } from './__fixtures__/federation.js';

const RUN = { clients: 4, perRound: 4, rounds: 2 };

/** The clients aggregated in each round, from the records of the run's last checkpoint (metrics.jsonl holds evaluated rounds only). */
function clientsPerRound(out: string): number[][] {
  const dir = join(out, 'checkpoints');
  const name = readdirSync(dir).sort().pop()!;
  const { meta } = decodeCheckpoint(readFileSync(join(dir, name)), name);
  return (meta as { records: { clients: { clientId: number }[] }[] }).records.map((r) => r.clients.map((c) => c.clientId));
}

const runArgs = (dir: string, out: string) => [...tinyRunArgs(dir, out, RUN), '--eval-every', '100', '--local-epochs', '3'];

describe('network faults', () => {
  let dir: string;
  const running: Spawned[] = [];
  beforeAll(() => {
    dir = tempDir('faults');
    writeTinyPartition(dir, RUN.clients, 40);
  });
  afterAll(() => stopAll(running.splice(0)));

  it('a client stopped past the round timeout: the round closes with the others, its late reply is refused, the next round is whole', async () => {
    const out = join(dir, 'sigstop');
    const server = await startServer([...runArgs(dir, out), '--min-clients', '2', '--round-timeout', '15'], dir);
    const a = startClient(server.port, '0-1', join(dir, 'stop-a'), dir);
    const b = startClient(server.port, '2-3', join(dir, 'stop-b'), dir);
    running.push(a, b);
    await waitForLine(b, /client [23]: round 1: training/, 120_000);
    b.child.kill('SIGSTOP');
    await waitForLine(server, /Round 1: closed with [23] of 4 clients/, 60_000);
    b.child.kill('SIGCONT');
    const { code, stderr } = await server.exited;
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/refused a reply from node \d+ to message .*its round closed/);
    const rounds = clientsPerRound(out);
    expect(rounds[0]!.length).toBeLessThan(4);
    expect(rounds[0]).toEqual(expect.arrayContaining([0, 1]));
    expect(rounds[1]!.sort()).toEqual([0, 1, 2, 3]);
    await stopAll(running.splice(0));
  }, 300_000);

  it('a client killed mid-round goes offline; the run finishes with the clients left (--min-clients 2)', async () => {
    const out = join(dir, 'sigkill');
    const server = await startServer([...runArgs(dir, out), '--min-clients', '2', '--round-timeout', '10'], dir);
    const a = startClient(server.port, '0-1', join(dir, 'kill-a'), dir);
    const b = startClient(server.port, '2-3', join(dir, 'kill-b'), dir, ['--heartbeat', '1']);
    running.push(a, b);
    await waitForLine(b, /client [23]: round 1: training/, 120_000);
    b.child.kill('SIGKILL');
    const { code, stderr } = await server.exited;
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/client [23]\) went offline/);
    const rounds = clientsPerRound(out);
    expect(rounds[0]).toEqual(expect.arrayContaining([0, 1]));
    expect(rounds[1]!.sort()).toEqual([0, 1]);
    await stopAll(running.splice(0));
  }, 300_000);

  describe.skipIf(netnsUnavailable() !== undefined)(
    `in a network namespace${netnsUnavailable() ? ` (skipped: ${netnsUnavailable()})` : ''}`,
    () => {
      let ns: Netns;
      beforeAll(() => void (ns = createNetns(process.pid % 1000)));
      afterAll(() => ns?.remove());

      it('the link down for 5 s mid-round: the nodes reconnect and every round completes with all clients', async () => {
        const out = join(dir, 'linkdown');
        const server = await startServer([...runArgs(dir, out), '--round-timeout', '60'], dir, ns.hostIp);
        const c = startClient(server.port, '0-3', join(dir, 'down-c'), dir, ['--heartbeat', '10'], ns.hostIp, ns.exec);
        running.push(c);
        await waitForLine(c, /client \d: round 1: training/, 120_000);
        ns.linkDown();
        await new Promise((r) => setTimeout(r, 5_000));
        ns.linkUp();
        const { code, stderr } = await server.exited;
        expect(code, stderr).toBe(0);
        expect(stderr).not.toMatch(/closed with/);
        expect(clientsPerRound(out).map((r) => r.sort())).toEqual([
          [0, 1, 2, 3],
          [0, 1, 2, 3],
        ]);
        await stopAll(running.splice(0));
      }, 300_000);
    },
  );
});
