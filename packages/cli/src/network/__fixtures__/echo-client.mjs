// A `fedloge client`-like process whose clients do not train: each answers a train message with
// the payload it received as its update (weight 1). For transport tests (bandwidth caps, big
// models) where training would only add time. Uses the built dist/.
//   node echo-client.mjs <host:port> <clientId> [heartbeat seconds]
import { generateNodeKey } from '@fedloge/fleet';
import { ClientHost } from '../../../dist/network/client-host.js';
import { NodeRunner } from '../../../dist/network/node-runner.js';

const [address, id, heartbeat = '30'] = process.argv.slice(2);
const clientId = Number(id);
const logger = { info: (m) => console.error(m), warn: (m) => console.error(`warning: ${m}`), debug: () => {} };
const echo = { run: async (tasks) => tasks.map((t) => ({ clientId: t.clientId, arrays: t.payload, numSamples: 1, seconds: 0 })) };
const host = new ClientHost({ clientIds: [clientId], makeExecutor: async () => echo, logger });
const runner = new NodeRunner(clientId, host, { address, key: generateNodeKey(), heartbeatIntervalS: Number(heartbeat) }, logger);
await runner.start();
console.error('echo client ready');
process.once('SIGTERM', () => void runner.stop().then(() => process.exit(0)));
