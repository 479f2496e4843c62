import { status } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTestCerts, opensslMissing } from './__fixtures__/test-certs.js';
import { FleetClient } from './client/fleet-client.js';
import { FleetServer } from './server/fleet-server.js';

const missing = opensslMissing();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

describe.skipIf(missing !== undefined)(`Fleet over TLS and mTLS${missing ? ` (skipped: ${missing})` : ''}`, () => {
  const certs = missing === undefined ? makeTestCerts() : undefined;

  async function serve(mtls: boolean): Promise<FleetServer> {
    const c = certs!;
    const server = await FleetServer.start({
      address: '127.0.0.1:0',
      run: { runId: 9n },
      tls: { certChain: c.serverCert, privateKey: c.serverKey, clientRootCerts: mtls ? c.ca : undefined },
    });
    cleanups.push(() => server.stop(100));
    return server;
  }

  function client(server: FleetServer, withCert: boolean): FleetClient {
    const c = certs!;
    const fc = new FleetClient({
      address: `localhost:${server.port}`,
      tls: withCert ? { rootCerts: c.ca, certChain: c.clientCert, privateKey: c.clientKey } : { rootCerts: c.ca },
      retry: { initialDelayMs: 50, maxElapsedMs: 600 },
    });
    cleanups.push(() => fc.close());
    return fc;
  }

  it('connects over server-only TLS', async () => {
    const server = await serve(false);
    const fc = client(server, false);
    await fc.connect();
    expect(server.onlineNodeIds()).toEqual([fc.nodeId]);
  });

  it('with mTLS refuses a client without a certificate and accepts one with it', async () => {
    const server = await serve(true);
    await expect(client(server, false).connect()).rejects.toMatchObject({ code: status.UNAVAILABLE });
    expect(server.nodeList()).toEqual([]);
    const ok = client(server, true);
    await ok.connect();
    expect(server.onlineNodeIds()).toEqual([ok.nodeId]);
  });

  it('refuses a plaintext client', async () => {
    const server = await serve(false);
    const plain = new FleetClient({ address: `localhost:${server.port}`, retry: { initialDelayMs: 50, maxElapsedMs: 400 } });
    cleanups.push(() => plain.close());
    await expect(plain.connect()).rejects.toMatchObject({ code: status.UNAVAILABLE });
  });
});
