/**
 * How a `fedloge client` process ends without a signal: exit 0 with one line when the server says the
 * run is over; exit non-zero with the reason when the server is gone past --server-patience, when a
 * TLS handshake can never succeed, or when a certificate or key file is unusable (at once, naming it).
 */
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configRecord, FleetServer, recordDict } from '@fedloge/fleet';
import { makeTestCerts, opensslMissing } from '../../../fleet/src/__fixtures__/test-certs.js';
import { tempDir } from '../__fixtures__/tiny-run.js';
import { spawnCli } from '../__fixtures__/spawn-cli.js';
import { stopAll, type Spawned } from './__fixtures__/federation.js';

const running: Spawned[] = [];
const servers: FleetServer[] = [];
afterAll(async () => {
  await stopAll(running);
  for (const s of servers) await s.stop(100);
});

function client(args: string[], dir: string): Spawned {
  const p = spawnCli(['client', '--clients', '0', '--out', join(dir, 'site'), ...args], dir);
  running.push(p);
  return p;
}

/** A loopback port nobody listens on. */
async function deadPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('fedloge client exits', () => {
  it('with 0 and one line once the server says the run is over', async () => {
    const dir = tempDir('client-exit');
    const server = await FleetServer.start({ address: '127.0.0.1:0', run: { runId: 0xabcn } });
    servers.push(server);
    const p = client(['--server', `127.0.0.1:${server.port}`, '--insecure'], dir);
    const [node] = await server.waitForNodes(1, 60_000);
    // Any message tells the node its run; this one it cannot serve (an Error reply), which is enough.
    const id = server.send(node!, { messageType: 'query', content: recordDict({ config: configRecord({ x: 1n }) }) });
    expect((await server.awaitReply(id, 60_000)).error).toBeDefined();
    await server.finishRun('completed', '', 20_000);
    const { code, stderr } = await p.exited;
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/client: the server finished run abc \(completed\); leaving\n$/);
  }, 120_000);

  it('with the reason when the server does not answer within --server-patience', async () => {
    const dir = tempDir('client-patience');
    const started = Date.now();
    const { code, stderr } = await client(['--server', `127.0.0.1:${await deadPort()}`, '--insecure', '--server-patience', '2'], dir)
      .exited;
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/the server did not answer within --server-patience 2 s/);
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 90_000);

  it('at once, naming the file, when a certificate or key file is missing, not PEM, or not a pair', async () => {
    const dir = tempDir('client-certs');
    writeFileSync(join(dir, 'junk.pem'), 'not a certificate\n');
    const missing = await client(['--server', '127.0.0.1:1', '--tls-ca', join(dir, 'nope.pem')], dir).exited;
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`--tls-ca ${join(dir, 'nope.pem')}: cannot read it (ENOENT)`);
    const junk = await client(['--server', '127.0.0.1:1', '--tls-ca', join(dir, 'junk.pem')], dir).exited;
    expect(junk.stderr).toContain(`--tls-ca ${join(dir, 'junk.pem')}: no PEM "CERTIFICATE" block in it`);
    if (opensslMissing()) return;
    const certs = makeTestCerts();
    writeFileSync(join(dir, 'client.pem'), certs.clientCert);
    writeFileSync(join(dir, 'server.key'), certs.serverKey);
    const pair = await client(
      [
        '--server',
        '127.0.0.1:1',
        '--tls-ca',
        join(dir, 'client.pem'),
        '--tls-cert',
        join(dir, 'client.pem'),
        '--tls-key',
        join(dir, 'server.key'),
      ],
      dir,
    ).exited;
    expect(pair.stderr).toContain(
      `--tls-key ${join(dir, 'server.key')} is not the key of the certificate --tls-cert ${join(dir, 'client.pem')}`,
    );
  }, 90_000);

  it.skipIf(opensslMissing() !== undefined)(
    'at once when the TLS handshake cannot succeed, saying which flag fixes it',
    async () => {
      const dir = tempDir('client-tls');
      const certs = makeTestCerts();
      writeFileSync(join(dir, 'ca.pem'), certs.ca);
      const mtls = await FleetServer.start({
        address: '127.0.0.1:0',
        run: { runId: 1n },
        tls: { certChain: certs.serverCert, privateKey: certs.serverKey, clientRootCerts: certs.ca },
      });
      const plain = await FleetServer.start({ address: '127.0.0.1:0', run: { runId: 1n } });
      servers.push(mtls, plain);
      const noCert = await client(['--server', `localhost:${mtls.port}`, '--tls-ca', join(dir, 'ca.pem')], dir).exited;
      expect(noCert.code).not.toBe(0);
      expect(noCert.stderr).toMatch(/requires a client certificate \(mTLS\); give --tls-cert and --tls-key/);
      const notTls = await client(['--server', `localhost:${plain.port}`, '--tls-ca', join(dir, 'ca.pem')], dir).exited;
      expect(notTls.stderr).toMatch(/does not speak TLS \(started with --insecure\?\)/);
    },
    90_000,
  );
});
