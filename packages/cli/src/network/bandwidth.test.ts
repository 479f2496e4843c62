/**
 * A ResNet-34-sized model (85.2 MB of float32) through the network engine over a veth link capped
 * at 100 Mbit/s with `tc tbf`: the server (this process) sends it to a client in a network
 * namespace, which echoes it back as its update; the round completes, the update arrives bit for
 * bit, and the time reflects the cap (2 × 85.2 MB at 12.5 MB/s ≥ 13.6 s). Needs root (skipped
 * otherwise).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { FleetServer } from '@fedloge/fleet';
import type { ArrayRecord, Logger } from '@fedloge/core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ClientDirectory } from './client-directory.js';
import { FleetServerLink } from './fleet-server-link.js';
import { NetworkExecutor } from './network-executor.js';
import { createNetns, netnsUnavailable, type Netns } from './__fixtures__/netns.js';

const FLOATS = 21_300_000;
const MBIT = 100;
const logger: Logger = { info: () => {}, warn: () => {}, debug: () => {} };
const skip = netnsUnavailable();

describe.skipIf(skip !== undefined)(`85 MB model over a ${MBIT} Mbit/s link${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let ns: Netns | undefined;
  let server: FleetServer | undefined;
  const children: ReturnType<typeof spawn>[] = [];
  afterAll(() => ns?.remove());

  /** A server in this process and `count` echo clients in the namespace, joined. */
  async function federation(count: number, heartbeatS: number, roundTimeoutSeconds: number, minClients: number) {
    ns ??= createNetns((process.pid % 1000) + 1);
    server = await FleetServer.start({ address: `${ns.hostIp}:0`, run: { runId: 3n } });
    const link = new FleetServerLink(server, logger);
    // The echo client builds nothing from the spec; the hello only needs its names.
    const spec = { strategy: { name: 'echo' }, dataset: { name: 'none' }, partition: { trainIndices: [] } } as never;
    const directory = new ClientDirectory(link, { runId: 'big', spec, backend: 'cpu' }, logger);
    const executor = new NetworkExecutor({ link, directory, runId: 'big', roundTimeoutSeconds, minClients, retries: 0, logger });
    const script = fileURLToPath(new URL('./__fixtures__/echo-client.mjs', import.meta.url));
    const [command, ...prefix] = ns.exec;
    const outputs: string[] = [];
    const spawned = Array.from({ length: count }, (_, k) => {
      const child = spawn(command!, [...prefix, process.execPath, script, `${ns!.hostIp}:${server!.port}`, String(k), String(heartbeatS)], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      children.push(child);
      outputs[k] = '';
      child.stderr!.on('data', (d: Buffer) => (outputs[k] += d.toString()));
      return child;
    });
    await directory.waitFor(count, 60_000).catch((e: Error) => {
      throw new Error(`${e.message}; the echo clients said:\n${outputs.join('\n')}`);
    });
    return { executor, spawned, outputs, server };
  }

  afterEach(async () => {
    for (const c of children.splice(0)) c.kill('SIGTERM');
    await server?.stop();
    server = undefined;
  });

  it('completes a round with the capped link and returns the update bit for bit', async () => {
    ns = createNetns((process.pid % 1000) + 1);
    ns.capBandwidth(MBIT);
    const { executor } = await federation(1, 30, 240, 1);

    const data = new Float32Array(FLOATS);
    for (let i = 0; i < FLOATS; i += 997) data[i] = i;
    const payload: ArrayRecord = {};
    for (let i = 0, at = 0; at < FLOATS; i++, at += 2_359_296)
      payload[`layer${i}.weight`] = { shape: [Math.min(2_359_296, FLOATS - at)], data: data.subarray(at, at + 2_359_296) };
    const started = performance.now();
    const [result] = await executor.run([{ round: 1, clientId: 0, payload, state: undefined }]);
    const seconds = (performance.now() - started) / 1000;
    expect(Object.keys(result!.arrays)).toEqual(Object.keys(payload));
    for (const [k, v] of Object.entries(payload))
      expect(
        Buffer.from(result!.arrays[k]!.data.buffer, result!.arrays[k]!.data.byteOffset, v.data.byteLength).equals(
          Buffer.from(v.data.buffer, v.data.byteOffset, v.data.byteLength),
        ),
      ).toBe(true);
    const floor = (2 * FLOATS * 4 * 8) / (MBIT * 1e6);
    console.log(`85.2 MB down + up over ${MBIT} Mbit/s: ${seconds.toFixed(1)} s (cap alone: ${floor.toFixed(1)} s)`);
    expect(seconds).toBeGreaterThan(0.9 * floor);
  }, 300_000);

  it('a client killed during its upload: the round closes with the other client once the node goes offline', async () => {
    ns!.capBandwidth(20);
    const { executor, spawned, outputs } = await federation(2, 3, 120, 1);
    const floats = 2_500_000; // 10 MB: 4 s each way at 20 Mbit/s
    const payload: ArrayRecord = { 'layer0.weight': { shape: [floats], data: new Float32Array(floats).fill(0.5) } };
    const started = performance.now();
    const run = executor.run([0, 1].map((clientId) => ({ round: 1, clientId, payload, state: undefined })));
    // Kill client 1 once it starts pushing its reply.
    while (!/client 1: round 1: trained/.test(outputs[1]!)) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 500));
    spawned[1]!.kill('SIGKILL');
    const results = await run;
    const seconds = (performance.now() - started) / 1000;
    expect(results.map((r) => r.clientId)).toEqual([0]);
    expect(seconds).toBeLessThan(60); // closed by the offline node, not the 120 s deadline
    // The half-uploaded reply's objects were released.
    expect(server!.storedBytes).toBeLessThan(1_000_000);
  }, 300_000);
});
