/**
 * `fedloge server`: host a federation over the network. The run is `fedloge train`'s (same
 * config, flags, outputs, checkpoints and `--resume`), but the clients are other processes that
 * joined with `fedloge client`, reached over Flower's Fleet API (our embedded SuperLink).
 */
import { readFileSync } from 'node:fs';
import { FleetServer } from '@fedloge/fleet';
import { UsageError } from '../config/errors.js';
import { parseConfigArgs } from '../config/flags.js';
import { formatFlagHelp } from '../config/help.js';
import { resolveConfig } from '../config/resolve.js';
import { FleetServerLink } from '../network/fleet-server-link.js';
import { networkEngine } from '../network/network-engine.js';
import { SERVER_FLAGS, formatFlags, parseAddress, takeFlags } from '../network/network-flags.js';
import { configHash } from '../run/checkpoints.js';
import { planResume } from '../run/resume.js';
import { TrainInterrupted, trainRun } from '../run/train-run.js';
import type { Command, CommandContext } from './command.js';
import { reportError } from './report-error.js';
import { stopOnSignals, signalExitCode, streamLogger } from './train.js';

export const serverCommand: Command = {
  name: 'server',
  summary: 'Host a federation across machines (Flower Fleet API); clients join with `fedloge client`.',
  async run(ctx: CommandContext): Promise<number> {
    try {
      const { values, rest } = takeFlags(ctx.argv, SERVER_FLAGS, ctx.cwd, false);
      const args = parseConfigArgs(rest, ctx.cwd);
      if (args.help) {
        ctx.stdout.write(serverHelp());
        return 0;
      }
      if (args.resume !== undefined && args.overwrite)
        throw new UsageError('--resume continues a run folder and --overwrite clears one; give only one of them.');
      const listen = parseAddress(String(values['listen'] ?? '0.0.0.0:9092'), '--listen', true);
      const tls = serverTls(values);
      const allowed = values['allow-keys'] !== undefined ? readPemBlocks(String(values['allow-keys']), 'PUBLIC KEY') : undefined;
      const fab = values['fab'] !== undefined ? readFab(String(values['fab'])) : undefined;
      const plan = args.resume !== undefined ? planResume({ ...args, resume: args.resume }, ctx.cwd) : undefined;
      const resolved = plan?.resolved ?? resolveConfig(args, ctx.cwd);
      const { config } = resolved;
      const logger = streamLogger(ctx.stderr);
      // The run id is the config's hash, so a resumed server is the same run to the clients (they keep their data loaded).
      const runId = BigInt(`0x${configHash(config).slice(0, 15)}`);
      const engine = networkEngine({
        open: async () => {
          const server = await FleetServer.start({
            address: `${listen.host}:${listen.port}`,
            // A Flower SuperNode fuses the run config into its FAB's [tool.flwr.app.config] and refuses keys the FAB
            // does not declare (flwr.common.config.fuse_dicts), so with a FAB the run adds none of its own.
            run: { runId, ...(fab ? { fab, config: {} } : { config: { 'fedloge.strategy': config.strategy.name } }) },
            ...(tls ? { tls } : {}),
            ...(allowed ? { allowedNodeKeys: allowed } : {}),
          });
          return {
            link: new FleetServerLink(server, logger),
            address: `${listen.host}:${server.port}`,
            finish: () => server.finishRun('completed'),
            close: () => server.stop(),
          };
        },
        runId: runId.toString(16),
        roundTimeoutSeconds: num(values['round-timeout'], 600),
        minClients: values['min-clients'] !== undefined ? num(values['min-clients'], 1) : undefined,
        retries: num(values['round-retries'], 2),
        joinTimeoutSeconds: num(values['join-timeout'], 600),
        clientsPerRound: config.clients.perRound,
        logger,
        say: (line) => void ctx.stderr.write(`${line}\n`),
      });
      const stop = new AbortController();
      const removeHandlers = stopOnSignals(stop, ctx.stderr);
      try {
        await trainRun(
          resolved,
          { cwd: ctx.cwd, stdout: ctx.stdout, stderr: ctx.stderr, logger },
          { ...(plan ? { resume: plan.resumed } : {}), overwrite: args.overwrite, signal: stop.signal, executor: engine },
        );
      } finally {
        removeHandlers();
      }
      return 0;
    } catch (e) {
      if (e instanceof TrainInterrupted) {
        ctx.stderr.write(
          `${e.message}; summary.json and a checkpoint are in ${e.outDir}.\nResume with: fedloge server --resume ${e.outDir}\n`,
        );
        return signalExitCode(e.signal);
      }
      return reportError(e, ctx.stderr);
    }
  },
};

function num(v: string | number | boolean | undefined, fallback: number): number {
  return typeof v === 'number' ? v : fallback;
}

function serverTls(values: Readonly<Record<string, string | number | boolean | undefined>>) {
  const cert = values['tls-cert'];
  const key = values['tls-key'];
  const ca = values['tls-client-ca'];
  if (cert === undefined && key === undefined) {
    if (ca !== undefined) throw new UsageError('--tls-client-ca (mTLS) needs --tls-cert and --tls-key as well.');
    if (values['insecure'] !== true)
      throw new UsageError(
        'Give --tls-cert and --tls-key (see docs/guides/deploy.md), or --insecure for a plaintext server on a trusted network.',
      );
    return undefined;
  }
  if (cert === undefined || key === undefined) throw new UsageError('--tls-cert and --tls-key go together.');
  return {
    certChain: readFileSync(String(cert)),
    privateKey: readFileSync(String(key)),
    ...(ca !== undefined ? { clientRootCerts: readFileSync(String(ca)) } : {}),
  };
}

/** A FAB file: a zip (Flower's `flwr build` output), served as it is. */
function readFab(file: string): Uint8Array {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new UsageError(`--fab ${file}: cannot read it (${(e as Error).message}).`);
  }
  // Every zip starts with a local file header "PK\x03\x04"; a SuperNode unzips the FAB to read its pyproject.toml.
  if (bytes.length < 4 || bytes.readUInt32LE(0) !== 0x04034b50)
    throw new UsageError(`--fab ${file}: not a FAB (a FAB is the zip that 'flwr build' writes).`);
  return bytes;
}

/** The PEM blocks of one kind in a file (an allow-list: one public key per node). */
export function readPemBlocks(file: string, label: string): string[] {
  const text = readFileSync(file, 'utf8');
  const blocks = text.match(new RegExp(`-----BEGIN ${label}-----[\\s\\S]+?-----END ${label}-----`, 'g')) ?? [];
  if (blocks.length === 0)
    throw new UsageError(`${file}: no "-----BEGIN ${label}-----" block found; put each node's public key (PEM) in the file.`);
  return blocks;
}

export function serverHelp(): string {
  return [
    'Usage: fedloge server [--config <file>] [flags] [--listen 0.0.0.0:9092] [--tls-cert <pem> --tls-key <pem> | --insecure]',
    '',
    'Runs the rounds of a federation whose clients are `fedloge client` processes (or other Fleet API nodes).',
    'Same config, flags, outputs, checkpoints and --resume as `fedloge train`.',
    '',
    'Network flags:',
    formatFlags(SERVER_FLAGS),
    '',
    'Run flags (as for train):',
    formatFlagHelp(),
    '',
  ].join('\n');
}
