/**
 * ServerAppIoClient's `tls` option (`fedloge serverapp --tls-ca`), for a SuperLink behind a TLS proxy
 * (Flower 1.26 serves ServerAppIo in plaintext, so its servicer cannot check this): the handshake
 * succeeds with the CA that signed the server's certificate and fails without it. The gRPC server
 * here serves no methods; a call reaching it is answered UNIMPLEMENTED, which proves the channel is up.
 */
import { Server, ServerCredentials, status } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTestCerts, opensslMissing } from '../__fixtures__/test-certs.js';
import { ServerAppIoCallError, ServerAppIoClient, SuperLinkUnreachableError } from './serverappio-client.js';

const missing = opensslMissing();

describe.skipIf(missing !== undefined)(`ServerAppIoClient over TLS${missing ? ` (skipped: ${missing})` : ''}`, () => {
  const certs = missing === undefined ? makeTestCerts() : undefined;
  const other = missing === undefined ? makeTestCerts() : undefined;
  const cleanups: (() => void)[] = [];
  afterEach(() => cleanups.splice(0).forEach((c) => c()));

  async function tlsServer(): Promise<number> {
    const server = new Server();
    const creds = ServerCredentials.createSsl(null, [{ cert_chain: certs!.serverCert, private_key: certs!.serverKey }], false);
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', creds, (err, p) => (err ? reject(err) : resolve(p))),
    );
    cleanups.push(() => server.forceShutdown());
    return port;
  }

  it('connects with the CA that signed the server certificate; calls reach the server', async () => {
    const port = await tlsServer();
    const client = new ServerAppIoClient({ address: `localhost:${port}`, tls: { rootCerts: certs!.ca } });
    cleanups.push(() => client.close());
    await client.connect(5_000);
    const err = await client.getNodes(1n).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerAppIoCallError);
    expect((err as ServerAppIoCallError).code).toBe(status.UNIMPLEMENTED);
    expect((err as ServerAppIoCallError).message).toContain('ServerAppIo GetNodes failed');
  });

  it('does not connect with another CA, and says where it tried', async () => {
    const port = await tlsServer();
    const client = new ServerAppIoClient({ address: `localhost:${port}`, tls: { rootCerts: other!.ca } });
    cleanups.push(() => client.close());
    const err = await client.connect(2_000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SuperLinkUnreachableError);
    expect((err as Error).message).toContain(`cannot reach the SuperLink's ServerAppIo API at localhost:${port} within 2 s`);
  });
});
