/**
 * `fedloge client`: host logical clients of a federation, one Fleet API node each, for a
 * `fedloge server` (or a Flower SuperLink). Runs until stopped (SIGINT/SIGTERM).
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_HEARTBEAT_INTERVAL_S, generateNodeKey, loadNodeKeyFile, type ClientTlsOptions, type NodeKey } from '@fedloge/fleet';
import type { BackendChoice, ClientRuntimeSpec, Logger } from '@fedloge/core';
import { UsageError } from '../config/errors.js';
import { parseConfigArgs } from '../config/flags.js';
import { resolveConfig } from '../config/resolve.js';
import { writeFileAtomic } from '../output/atomic-write.js';
import { makeFolders } from '../output/output-path.js';
import { ClientHost } from '../network/client-host.js';
import { parseClientIds } from '../network/client-ids.js';
import { parseNodeConfig, partitionIdOf } from '../network/node-config.js';
import { CLIENT_FLAGS, formatFlags, parseAddress, takeFlags, type FlagValues } from '../network/network-flags.js';
import { NodeRunner } from '../network/node-runner.js';
import { configHash } from '../run/checkpoints.js';
import { buildPluginContainer } from '../runtime/plugin-container.js';
import { loadRunData } from '../runtime/run-data.js';
import { clientRuntimeSpec } from '../runtime/runtime-spec.js';
import { WorkerThreadExecutor } from '../workers/worker-executor.js';
import type { Command, CommandContext } from './command.js';
import { reportError } from './report-error.js';
import { streamLogger } from './train.js';

/** How long a client waits for a server that stopped answering before it leaves with an error. */
const DEFAULT_SERVER_PATIENCE_S = 600;

/** Flower's bounds on a node's heartbeat interval (HEARTBEAT_MIN_INTERVAL, HEARTBEAT_MAX_INTERVAL). */
const FLOWER_HEARTBEAT_RANGE_S = [10, 1800] as const;

export const clientCommand: Command = {
  name: 'client',
  summary: 'Host clients of a federation run by `fedloge server` (or a Flower SuperLink).',
  async run(ctx: CommandContext): Promise<number> {
    try {
      const { values } = takeFlags(ctx.argv, CLIENT_FLAGS, ctx.cwd, true);
      if (values['help']) {
        ctx.stdout.write(clientHelp());
        return 0;
      }
      if (values['server'] === undefined)
        throw new UsageError('--server <host:port> is required (the address `fedloge server --listen` serves).');
      const address = parseAddress(String(values['server']), '--server');
      const nodeConfig = values['node-config'] !== undefined ? parseNodeConfig(String(values['node-config'])) : {};
      const clientIds = hostedClients(values['clients'], partitionIdOf(nodeConfig));
      const heartbeatIntervalS = heartbeatInterval(values['heartbeat'], ctx.stderr);
      const patienceS = typeof values['server-patience'] === 'number' ? values['server-patience'] : DEFAULT_SERVER_PATIENCE_S;
      const tls = clientTls(values);
      const out = String(values['out'] ?? resolve(ctx.cwd, 'fedloge-client'));
      const logger = streamLogger(ctx.stderr);
      const backend = values['backend'] as BackendChoice | undefined;
      const fallback = values['config'] !== undefined ? await localRun(String(values['config']), ctx.cwd, logger) : undefined;

      const host = new ClientHost({
        clientIds,
        makeExecutor: async (spec, chosen) => WorkerThreadExecutor.start({ size: 1, init: { spec, backend: chosen }, logger }),
        localSpec: (spec) => localSpec(spec, values),
        ...(fallback ? { fallback } : {}),
        ...(backend ? { backend } : {}),
        stateDir: out,
        logger,
      });
      const runners = clientIds.map(
        (k) =>
          new NodeRunner(
            k,
            host,
            {
              address: `${address.host}:${address.port}`,
              key: nodeKey(out, k),
              ...(tls ? { tls } : {}),
              heartbeatIntervalS,
              selfRegister: values['no-self-register'] !== true,
              // One call retries for at most the patience (and Flower-like 2 min); the node loop decides beyond.
              retry: { maxElapsedMs: Math.min(patienceS * 1000, 120_000) },
            },
            logger,
            nodeConfig,
            patienceS * 1000,
          ),
      );
      await Promise.all(runners.map((r) => r.start()));
      ctx.stderr.write(
        `client: hosting ${clientIds.length} client(s) [${clientIds.join(', ')}] for ${address.host}:${address.port}; state in ${out}\n`,
      );
      const signal = new Promise<NodeJS.Signals>((done) => {
        process.once('SIGINT', () => done('SIGINT'));
        process.once('SIGTERM', () => done('SIGTERM'));
      });
      // Every node's run over (the server said so), one node giving up on a silent server, or a signal.
      const ended = await Promise.race([
        signal.then((s) => ({ kind: 'signal' as const, line: `${s}: leaving the federation` })),
        Promise.all(runners.map((r) => r.done)).then(
          ([d]) => ({
            kind: 'finished' as const,
            line: `client: the server finished run ${d!.runId.toString(16)}${d!.subStatus ? ` (${d!.subStatus})` : ''}; leaving`,
          }),
          (e: unknown) => ({ kind: 'gone' as const, line: `error: ${(e as Error).message}` }),
        ),
      ]);
      ctx.stderr.write(`${ended.line}\n`);
      await Promise.all(runners.map((r) => r.stop()));
      await host.dispose();
      return ended.kind === 'gone' ? 1 : 0;
    } catch (e) {
      return reportError(e, ctx.stderr);
    }
  },
};

/**
 * The logical clients this process hosts: `--clients`, or the one a Flower-style `--node-config partition-id=k`
 * names (one node, as a Flower SuperNode). Both may be given only when they agree.
 */
function hostedClients(clients: string | number | boolean | undefined, partitionId: number | undefined): number[] {
  if (clients === undefined) {
    if (partitionId === undefined)
      throw new UsageError(
        '--clients <ids> is required, e.g. --clients 0-9 (the logical clients this process hosts), or --node-config partition-id=<k>.',
      );
    return [partitionId];
  }
  const ids = parseClientIds(String(clients));
  if (partitionId !== undefined && (ids.length !== 1 || ids[0] !== partitionId))
    throw new UsageError(
      `--node-config partition-id=${partitionId} names one client, but --clients ${String(clients)} names ${ids.join(', ')}.`,
    );
  return ids;
}

/** `--heartbeat`: Flower's SuperLink takes [10, 1800] s; shorter intervals only work with `fedloge server` (fast failure detection in tests). */
function heartbeatInterval(value: string | number | boolean | undefined, stderr: NodeJS.WritableStream): number {
  const s = typeof value === 'number' ? value : DEFAULT_HEARTBEAT_INTERVAL_S;
  if (!(s >= 1 && s <= FLOWER_HEARTBEAT_RANGE_S[1]))
    throw new UsageError(
      `--heartbeat ${s}: expected seconds in [1, ${FLOWER_HEARTBEAT_RANGE_S[1]}] (a Flower SuperLink takes [10, 1800]).`,
    );
  if (s < FLOWER_HEARTBEAT_RANGE_S[0])
    stderr.write(
      `warning: --heartbeat ${s} is below ${FLOWER_HEARTBEAT_RANGE_S[0]} s: fedloge server accepts it, a Flower SuperLink refuses the node\n`,
    );
  return s;
}

/** The node key of client `k`, made on first use and kept in `<out>/keys` (its public half beside it, for the server's allow-list). */
function nodeKey(out: string, k: number): NodeKey {
  const file = join(out, 'keys', `client-${k}.key.pem`);
  if (existsSync(file)) return loadNodeKeyFile(file);
  const key = generateNodeKey();
  makeFolders(join(out, 'keys'));
  writeFileAtomic(file, key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  writeFileAtomic(join(out, 'keys', `client-${k}.pub.pem`), Buffer.from(key.publicKeyPem));
  return key;
}

function clientTls(values: FlagValues): ClientTlsOptions | undefined {
  const ca = values['tls-ca'];
  const cert = values['tls-cert'];
  const key = values['tls-key'];
  if ((cert === undefined) !== (key === undefined)) throw new UsageError('--tls-cert and --tls-key (mTLS) go together.');
  if (ca === undefined && cert === undefined) {
    if (values['insecure'] !== true)
      throw new UsageError("Give --tls-ca <the server's CA certificate> (TLS), or --insecure for a plaintext server on a trusted network.");
    return undefined;
  }
  const rootCerts = ca !== undefined ? readPem('--tls-ca', String(ca), 'CERTIFICATE') : undefined;
  const certChain = cert !== undefined ? readPem('--tls-cert', String(cert), 'CERTIFICATE') : undefined;
  const privateKey = key !== undefined ? readPem('--tls-key', String(key), 'PRIVATE KEY') : undefined;
  if (certChain && privateKey) {
    let matches: boolean;
    try {
      matches = new X509Certificate(certChain).checkPrivateKey(createPrivateKey(privateKey));
    } catch (e) {
      throw new UsageError(
        `--tls-cert ${String(cert)} / --tls-key ${String(key)}: cannot be read as a certificate and its key (${(e as Error).message}).`,
      );
    }
    if (!matches) throw new UsageError(`--tls-key ${String(key)} is not the key of the certificate --tls-cert ${String(cert)}.`);
  }
  return { ...(rootCerts ? { rootCerts } : {}), ...(certChain && privateKey ? { certChain, privateKey } : {}) };
}

/** A PEM file for a TLS flag: readable, and holding a block of the expected kind (fails at start, naming the file). */
function readPem(flag: string, file: string, kind: 'CERTIFICATE' | 'PRIVATE KEY'): Buffer {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new UsageError(`${flag} ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`);
  }
  const label = kind === 'CERTIFICATE' ? /-----BEGIN CERTIFICATE-----/ : /-----BEGIN (EC |RSA |ENCRYPTED )?PRIVATE KEY-----/;
  if (!label.test(bytes.toString('latin1')))
    throw new UsageError(`${flag} ${file}: no PEM "${kind}" block in it (expected e.g. "-----BEGIN ${kind}-----").`);
  return bytes;
}

/** The server's spec with this site's data: its own data folder and/or partition file. */
function localSpec(spec: ClientRuntimeSpec, values: FlagValues): ClientRuntimeSpec {
  const dataDir = values['data-dir'];
  const partition = values['partition'];
  if (dataDir === undefined && partition === undefined) return spec;
  const dataset = dataDir !== undefined ? { ...spec.dataset, dataDir: String(dataDir) } : spec.dataset;
  return { ...spec, dataset, ...(partition !== undefined ? { partition: JSON.parse(readFileSync(String(partition), 'utf8')) } : {}) };
}

/** The run from a local config, for servers that send no hello (a Flower ServerApp). */
async function localRun(configFile: string, cwd: string, logger: Logger) {
  const { config } = resolveConfig(parseConfigArgs(['--config', configFile], cwd), cwd);
  const container = await buildPluginContainer(config.plugins, cwd);
  const data = await loadRunData(config, container, logger);
  const spec = clientRuntimeSpec(config, data.data.partition, cwd);
  return { spec, backend: config.backend, runId: configHash(config).slice(0, 15) };
}

export function clientHelp(): string {
  return [
    'Usage: fedloge client --server <host:port> --clients <ids> [--tls-ca <pem> [--tls-cert <pem> --tls-key <pem>] | --insecure] [flags]',
    '',
    'Hosts logical clients of a federation (one Fleet API node each). The run (strategy, model, data set, partition)',
    "comes from the server; --data-dir and --partition replace the server's data paths with this machine's.",
    '',
    'Flags:',
    formatFlags(CLIENT_FLAGS),
    '',
  ].join('\n');
}
