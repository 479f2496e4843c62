/**
 * Who may join, as `fedloge client` nodes see it: a node whose key is not in the server's
 * allow-list is refused at once (the client stops with the reason instead of retrying forever);
 * with mTLS, a node without a client certificate never gets in, one with a certificate joins. Bad
 * signatures and stale timestamps (UNAUTHENTICATED) are covered by @fedloge/fleet's own tests.
 */
import { FleetServer, generateNodeKey, publicKeyPemOf } from '@fedloge/fleet';
import type { Logger } from '@fedloge/core';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTestCerts, opensslMissing } from '../../../fleet/src/__fixtures__/test-certs.js';
import { ClientHost } from './client-host.js';
import { NodeRunner } from './node-runner.js';

const logger: Logger = { info: () => {}, warn: () => {}, debug: () => {} };
const host = () => new ClientHost({ clientIds: [0], makeExecutor: async () => ({ run: async () => [] }), logger });

describe('node admission', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  it('a key outside the allow-list is refused with the reason; a listed key joins', async () => {
    const listed = generateNodeKey();
    const server = await FleetServer.start({
      address: '127.0.0.1:0',
      run: { runId: 1n },
      allowedNodeKeys: [Buffer.from(publicKeyPemOf(listed.privateKey)).toString()],
    });
    cleanup.push(() => server.stop());
    const address = `127.0.0.1:${server.port}`;
    const stranger = new NodeRunner(0, host(), { address, key: generateNodeKey() }, logger);
    cleanup.push(() => stranger.stop());
    await expect(stranger.start()).rejects.toThrow(/allow-list/);
    const member = new NodeRunner(0, host(), { address, key: listed }, logger);
    cleanup.push(() => member.stop());
    const nodeId = await member.start();
    expect(server.onlineNodeIds()).toEqual([nodeId]);
  });

  it.skipIf(opensslMissing() !== undefined)(
    'with mTLS a node without a client certificate does not get in; one with a certificate does',
    async () => {
      const certs = makeTestCerts();
      const server = await FleetServer.start({
        address: '127.0.0.1:0',
        run: { runId: 2n },
        tls: { certChain: certs.serverCert, privateKey: certs.serverKey, clientRootCerts: certs.ca },
      });
      cleanup.push(() => server.stop());
      const address = `localhost:${server.port}`;
      const bare = new NodeRunner(
        0,
        host(),
        { address, key: generateNodeKey(), tls: { rootCerts: certs.ca }, callTimeoutMs: 1_000 },
        logger,
      );
      cleanup.push(() => bare.stop());
      void bare.start().catch(() => undefined);
      await new Promise((r) => setTimeout(r, 3_000));
      expect(server.nodeList()).toEqual([]);
      const withCert = new NodeRunner(
        0,
        host(),
        { address, key: generateNodeKey(), tls: { rootCerts: certs.ca, certChain: certs.clientCert, privateKey: certs.clientKey } },
        logger,
      );
      cleanup.push(() => withCert.stop());
      const nodeId = await withCert.start();
      expect(server.onlineNodeIds()).toEqual([nodeId]);
    },
  );
});
