/**
 * Flow (c): node authentication both ways, over TLS, with Flower 1.26's own code.
 * - Flower's SuperLink with `enable_supernode_auth`: our node's public key is registered as
 *   `flwr supernode register` registers it; Flower's NodeAuthServerInterceptor verifies every call
 *   of a `fedloge client --no-self-register`, which then trains a FedAvg round; a client whose key
 *   was not registered is refused at once, with the reason and what to do.
 * - `fedloge server --allow-keys`: Flower's SuperNode signs with its own key (its node-auth client
 *   interceptor); our server lets in that key and refuses another.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger, type ArrayRecord } from '@fedloge/core';
import { makeTestCerts, opensslMissing } from '../../packages/fleet/src/__fixtures__/test-certs.js';
import { runFederation } from '../../packages/cli/src/api/run-federation.js';
import { tempDir } from '../../packages/cli/src/__fixtures__/tiny-run.js';
import { spawnCli } from '../../packages/cli/src/__fixtures__/spawn-cli.js';
import { stopAll, waitForLine, type Spawned } from '../../packages/cli/src/network/__fixtures__/federation.js';
import { writeArrays } from './arrays-npy.js';
import { FLOWER_VERSION, flowerMissing, startHarness, type Harness } from './flower-source.js';
import { writeTinyFedAvg } from './tiny-fedavg.js';

const missing = flowerMissing ?? opensslMissing();

/** A P-384 node key as openssl makes it, where `fedloge client --out <dir>` looks for client k's key. */
function nodeKey(out: string, k: number): { key: string; pub: string } {
  const keys = join(out, 'keys');
  mkdirSync(keys, { recursive: true });
  const key = join(keys, `client-${k}.key.pem`);
  const pub = join(keys, `client-${k}.pub.pem`);
  execFileSync('openssl', ['ecparam', '-genkey', '-name', 'secp384r1', '-noout', '-out', key]);
  execFileSync('openssl', ['ec', '-in', key, '-pubout', '-out', pub], { stdio: 'pipe' });
  return { key, pub };
}

function writeCerts(dir: string): { ca: string; cert: string; key: string } {
  const certs = makeTestCerts();
  const files = { ca: join(dir, 'ca.pem'), cert: join(dir, 'server.pem'), key: join(dir, 'server.key') };
  writeFileSync(files.ca, certs.ca);
  writeFileSync(files.cert, certs.serverCert);
  writeFileSync(files.key, certs.serverKey);
  return files;
}

describe.skipIf(missing !== undefined)(
  `node authentication with Flower ${FLOWER_VERSION}${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    const running: Spawned[] = [];
    const harnesses: Harness[] = [];
    afterAll(async () => {
      await stopAll(running);
      for (const h of harnesses) await h.stop();
    });

    it("Flower's auth-enabled SuperLink verifies a registered fedloge client and refuses an unregistered one", async () => {
      const dir = tempDir('flower-auth');
      const tls = writeCerts(dir);
      const { config } = writeTinyFedAvg(dir, { clients: 1, rounds: 1, seed: 2 });
      let initial: ArrayRecord | undefined;
      await runFederation(
        { ...config, out: 'in-process' },
        { cwd: dir, logger: silentLogger(), reporters: [{ onRunStart: (info) => void (initial = info.global) }] },
      );
      writeArrays(join(dir, 'init'), initial!);
      const registered = nodeKey(join(dir, 'site'), 0);
      nodeKey(join(dir, 'stranger'), 0);

      const spec = {
        nodes: 1,
        rounds: 1,
        init: join(dir, 'init'),
        out: join(dir, 'flower'),
        fraction_evaluate: 0,
        auth: { public_keys: [registered.pub], tls },
      };
      mkdirSync(spec.out);
      writeFileSync(join(dir, 'spec.json'), JSON.stringify(spec));
      const link = startHarness('superlink_fedavg.py', [join(dir, 'spec.json')]);
      harnesses.push(link);
      const { fleet } = JSON.parse(await link.line('PORTS', 60_000)) as { fleet: number };
      const client = (out: string, extra: string[] = []): Spawned => {
        const p = spawnCli(
          [
            'client',
            '--server',
            `localhost:${fleet}`,
            '--tls-ca',
            tls.ca,
            '--node-config',
            'partition-id=0',
            '--config',
            join(dir, 'run.json'),
          ].concat(['--out', out, '--heartbeat', '10'], extra),
          dir,
        );
        running.push(p);
        return p;
      };

      // Not registered: Flower refuses the key; the client stops at once and says how to fix it.
      const stranger = await client(join(dir, 'stranger'), ['--no-self-register']).exited;
      expect(stranger.code).not.toBe(0);
      expect(stranger.stderr).toMatch(
        /refused the node at ActivateNode: FAILED_PRECONDITION \(No SuperNode found with the given public key\.\)/,
      );
      expect(stranger.stderr).toMatch(/flwr supernode register/);
      // Self-registration is what an auth-enabled SuperLink forbids.
      const selfRegistering = await client(join(dir, 'stranger'), []).exited;
      expect(selfRegistering.stderr).toMatch(/All SuperNodes must be registered via the CLI/);

      client(join(dir, 'site'), ['--no-self-register']);
      const result = JSON.parse(await link.line('RESULT', 300_000)) as {
        ok: boolean;
        checks: { check: string; ok: boolean }[];
        error?: string;
      };
      expect(result.error, link.stderr().slice(-3000)).toBeUndefined();
      expect(result.checks.filter((c) => !c.ok)).toEqual([]);
      expect(result.checks.map((c) => c.check)).toContain('validate_message_reply_consistency(round 1 train)');
    }, 600_000);

    it("fedloge server --allow-keys lets in Flower's SuperNode by its key and refuses another key", async () => {
      const dir = tempDir('flower-allow');
      const tls = writeCerts(dir);
      const builder = startHarness('supernode_clientapp.py', ['fab', join(dir, 'app.fab')]);
      harnesses.push(builder);
      await builder.line('FAB', 60_000);
      const allowed = nodeKey(join(dir, 'allowed'), 0);
      const other = nodeKey(join(dir, 'other'), 0);
      writeTinyFedAvg(dir, { clients: 1, rounds: 1, seed: 2 });
      const server = spawnCli(
        ['server', '--listen', '127.0.0.1:0', '--tls-cert', tls.cert, '--tls-key', tls.key, '--allow-keys', allowed.pub].concat([
          '--fab',
          join(dir, 'app.fab'),
          '--config',
          join(dir, 'run.json'),
          '--out',
          join(dir, 'run'),
          '--join-timeout',
          '120',
        ]),
        dir,
      );
      running.push(server);
      const port = Number((await waitForLine(server, /listening on [^\s]+:(\d+)/, 120_000))[1]);
      const node = (key: string, name: string): Harness => {
        const spec = {
          address: `localhost:${port}`,
          messages: 2,
          node_config: { 'partition-id': 0, 'num-examples': 40 },
          out: join(dir, `${name}-supernode`),
          tls_ca: tls.ca,
          private_key: key,
          timeout: 120,
        };
        writeFileSync(join(dir, `${name}.json`), JSON.stringify(spec));
        const h = startHarness('supernode_clientapp.py', ['run', join(dir, `${name}.json`)]);
        harnesses.push(h);
        return h;
      };
      const refused = node(other.key, 'other');
      const refusedResult = JSON.parse(await refused.line('RESULT', 180_000)) as { ok: boolean; error?: string };
      expect(refusedResult.ok).toBe(false);
      // Flower's connection gives up on the refused node; its log names our server's reason.
      expect(refused.stderr()).toMatch(/UNAUTHENTICATED/);

      const admitted = node(allowed.key, 'allowed');
      const result = JSON.parse(await admitted.line('RESULT', 300_000)) as { ok: boolean; error?: string; messages: { type: string }[] };
      expect(result.error, admitted.stderr().slice(-3000)).toBeUndefined();
      expect(result.messages.map((m) => m.type)).toEqual(['query', 'train']);
      expect((await server.exited).code, server.stderr()).toBe(0);
    }, 600_000);
  },
);
