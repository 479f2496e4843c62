// Round overhead of the network engine (fedloge server/client over the Fleet API) against the
// in-process engine, with clients that do no training (they echo the payload back as their
// update), so what is measured is the engine: encoding, .npy chunks, object ids, gRPC, polling.
// Payloads: the small CNN's state (421 930 floats, 1.69 MB) and a ResNet-34-sized one (21.3 M
// floats, 85.2 MB). One process, loopback: server and clients share the CPU, as on one host.
//
//   node packages/cli/bench/network.mjs [--clients 4] [--rounds 3] [--smoke]   (after npx tsc -b packages/cli/tsconfig.json)
//
// Each line ends with the process's peak resident memory so far (peak RSS: server and clients share the process).
// --smoke: 2 clients, 1 round, the small CNN's payload only (bench/network.test.ts runs it so the script cannot rot).
import { parseArgs } from 'node:util';
import { FleetServer, generateNodeKey } from '@fedloge/fleet';
import { ClientDirectory } from '../dist/network/client-directory.js';
import { ClientHost } from '../dist/network/client-host.js';
import { FleetServerLink } from '../dist/network/fleet-server-link.js';
import { NetworkExecutor } from '../dist/network/network-executor.js';
import { NodeRunner } from '../dist/network/node-runner.js';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '3' },
    smoke: { type: 'boolean', default: false },
  },
});
if (values.smoke) Object.assign(values, { clients: '2', rounds: '1' });
const K = Number(values.clients);
const ROUNDS = Number(values.rounds);
const quiet = { info: () => {}, warn: (m) => console.error(`warn: ${m}`), debug: () => {} };

/** Named float32 arrays adding up to `floats` (layers of at most 2.4 M floats, like a ResNet's). */
function payload(floats) {
  const out = {};
  for (let i = 0, left = floats; left > 0; i++) {
    const n = Math.min(left, 2_359_296);
    const data = new Float32Array(n);
    for (let j = 0; j < n; j++) data[j] = Math.sin(i * 7919 + j);
    out[`layer${i}.weight`] = { shape: [n], data };
    left -= n;
  }
  return out;
}

/** Clients that answer at once with the payload as their update. */
const echo = { run: async (tasks) => tasks.map((t) => ({ clientId: t.clientId, arrays: t.payload, numSamples: 1, seconds: 0 })) };

/** The in-process engine's round with the same clients: the executor call alone. */
async function inProcessRound(record) {
  const tasks = Array.from({ length: K }, (_, k) => ({ round: 1, clientId: k, payload: record, state: undefined }));
  const t0 = performance.now();
  await echo.run(tasks);
  return performance.now() - t0;
}

async function networkRounds(record, rounds) {
  const server = await FleetServer.start({ address: '127.0.0.1:0', run: { runId: 7n } });
  const link = new FleetServerLink(server, quiet);
  const directory = new ClientDirectory(
    link,
    { runId: 'bench', spec: { strategy: { name: 'echo' }, dataset: { name: 'none' }, partition: { trainIndices: [] } }, backend: 'cpu' },
    quiet,
  );
  const executor = new NetworkExecutor({
    link,
    directory,
    runId: 'bench',
    roundTimeoutSeconds: 600,
    minClients: K,
    retries: 0,
    logger: quiet,
  });
  const ids = Array.from({ length: K }, (_, k) => k);
  const host = new ClientHost({ clientIds: ids, makeExecutor: async () => echo, logger: quiet });
  const runners = ids.map((k) => new NodeRunner(k, host, { address: `127.0.0.1:${server.port}`, key: generateNodeKey() }, quiet));
  await Promise.all(runners.map((r) => r.start()));
  await directory.waitFor(K, 60_000);
  const times = [];
  for (let round = 1; round <= rounds; round++) {
    const tasks = ids.map((k) => ({ round, clientId: k, payload: record, state: undefined }));
    const t0 = performance.now();
    await executor.run(tasks);
    times.push(performance.now() - t0);
  }
  await Promise.all(runners.map((r) => r.stop()));
  await server.stop();
  return times;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`network engine vs in-process, ${K} clients per round, ${ROUNDS} rounds each, loopback, one process`);
console.log(
  'payload              MB   in-process ms/round   network ms/round (median)   overhead ms   MB/s (down+up)   peak RSS MB (process so far)',
);
const PAYLOADS = [
  ['small CNN', 421_930],
  ['ResNet-34 size', 21_300_000],
];
for (const [name, floats] of values.smoke ? PAYLOADS.slice(0, 1) : PAYLOADS) {
  const record = payload(floats);
  const mb = (floats * 4) / 1e6;
  const inproc = await inProcessRound(record);
  const net = median(await networkRounds(record, ROUNDS));
  const rate = (2 * K * mb) / (net / 1000);
  console.log(
    `${name.padEnd(18)} ${mb.toFixed(2).padStart(6)}   ${inproc.toFixed(2).padStart(19)}   ${net.toFixed(0).padStart(26)}   ${(net - inproc).toFixed(0).padStart(11)}   ${rate.toFixed(1).padStart(14)}   ${(process.resourceUsage().maxRSS / 1024).toFixed(0).padStart(28)}`,
  );
}
