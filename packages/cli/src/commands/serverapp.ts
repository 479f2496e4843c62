/**
 * `fedloge serverapp`: a fedloge run as a Flower ServerApp. The round loop is `fedloge server`'s
 * (the same network engine, executor and client directory; outputs as `fedloge train` writes them),
 * but the messages travel through a Flower SuperLink's ServerAppIo API, so a Flower deployment
 * (SuperLink, SuperNodes, the `flwr` CLI) is the distributed engine and `fedloge client` processes
 * joined to that SuperLink's Fleet API are its nodes.
 *
 * Which run (Flower's lifecycle, flwr/server/serverapp/app.py):
 * - `--run-id N`: attach to run N, which must be "running" (created by a harness or an operator).
 * - `--token T`: what SuperExec starts `flwr-serverapp --token T` with: PullAppInputs makes the run
 *   "running"; heartbeats keep the token alive; PushAppOutputs hands the context back.
 * - neither: act as the launcher too: ListAppsToLaunch, RequestToken for the first pending run (the
 *   one `flwr run` created), then as with a token.
 * At the end the run is marked finished: completed, failed (with the error) or stopped.
 *
 * Nodes map to logical clients through the hello every node gets (`fedloge client` answers with the
 * partition-id it hosts), as with `fedloge server`.
 */
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import {
  RunState,
  RunSubState,
  ServerAppIoClient,
  startAppHeartbeat,
  startLogUploader,
  type AppHeartbeat,
  type LogUploader,
  type AppInputs,
  type LinkRun,
  type RunStatusValue,
} from '@fedloge/fleet';
import type { Logger } from '@fedloge/core';
import { UsageError } from '../config/errors.js';
import { parseConfigArgs } from '../config/flags.js';
import { formatFlagHelp } from '../config/help.js';
import { resolveConfig } from '../config/resolve.js';
import { networkEngine } from '../network/network-engine.js';
import { SERVER_FLAGS, formatFlags, parseAddress, takeFlags, type FlagDef, type FlagValues } from '../network/network-flags.js';
import { ServerAppIoLink } from '../network/serverappio-link.js';
import { planResume } from '../run/resume.js';
import { TrainInterrupted, trainRun } from '../run/train-run.js';
import type { Command, CommandContext } from './command.js';
import { reportError } from './report-error.js';
import { stopOnSignals, signalExitCode, streamLogger } from './train.js';

/** The fault settings `fedloge server` has, with the same meaning. */
const SHARED = new Set(['min-clients', 'round-timeout', 'round-retries', 'join-timeout']);

export const SERVERAPP_FLAGS: readonly FlagDef[] = [
  {
    flag: 'superlink',
    kind: 'string',
    placeholder: '<host:port>',
    description: "The SuperLink's ServerAppIo API (flower-superlink --serverappio-api-address; Flower's default port 9091).",
  },
  { flag: 'run-id', kind: 'string', placeholder: '<id>', description: 'Attach to this run, which must be running.' },
  {
    flag: 'token',
    kind: 'string',
    placeholder: '<token>',
    description: 'Launch the run this token was issued for (as SuperExec starts flwr-serverapp --token).',
  },
  {
    flag: 'launch-timeout',
    kind: 'number',
    placeholder: '<s>',
    description: 'Without --run-id/--token: seconds to wait for a pending run to launch (default 600).',
  },
  {
    flag: 'connect-timeout',
    kind: 'number',
    placeholder: '<s>',
    description: 'Seconds to wait for the SuperLink to answer before giving up (default 30).',
  },
  ...SERVER_FLAGS.filter((d) => SHARED.has(d.flag)),
  { flag: 'tls-ca', kind: 'string', placeholder: '<pem>', description: "CA that signed the SuperLink's certificate (TLS).", path: true },
  { flag: 'insecure', kind: 'boolean', description: 'Connect without TLS (Flower 1.26 serves ServerAppIo in plaintext).' },
];

export const serverappCommand: Command = {
  name: 'serverapp',
  summary: 'Run a federation as a Flower ServerApp through a SuperLink (ServerAppIo API); clients join its Fleet API.',
  async run(ctx: CommandContext): Promise<number> {
    let session: Session | undefined;
    // Everything this command prints also goes to the SuperLink once the run is known (`flwr log <run id>`).
    const mirror = new LogMirror(ctx);
    const { stdout, stderr } = mirror;
    const logger = streamLogger(stderr);
    try {
      const { values, rest } = takeFlags(ctx.argv, SERVERAPP_FLAGS, ctx.cwd, false);
      const args = parseConfigArgs(rest, ctx.cwd);
      if (args.help) {
        ctx.stdout.write(serverappHelp());
        return 0;
      }
      if (values['superlink'] === undefined)
        throw new UsageError("--superlink <host:port> is required (the SuperLink's ServerAppIo API, port 9091 by default).");
      if (values['run-id'] !== undefined && values['token'] !== undefined)
        throw new UsageError('--run-id attaches to a running run and --token launches the run it was issued for; give only one of them.');
      if (args.resume !== undefined && args.overwrite)
        throw new UsageError('--resume continues a run folder and --overwrite clears one; give only one of them.');
      const runIdFlag = values['run-id'] !== undefined ? parseRunId(String(values['run-id'])) : undefined;
      const address = parseAddress(String(values['superlink']), '--superlink');
      const tls = clientTls(values);
      const plan = args.resume !== undefined ? planResume({ ...args, resume: args.resume }, ctx.cwd) : undefined;
      const resolved = plan?.resolved ?? resolveConfig(args, ctx.cwd);
      const say = (line: string) => void stderr.write(`${line}\n`);

      const client = new ServerAppIoClient({
        address: `${address.host}:${address.port}`,
        ...(tls ? { tls } : {}),
        onEvent: (e) => {
          if (e.attempt === 0) logger.warn(`${e.error}; retrying with backoff`);
        },
      });
      session = { client, run: undefined, inputs: undefined, token: undefined, heartbeat: undefined };
      await client.connect(num(values['connect-timeout'], 30) * 1000);
      const stop = new AbortController();
      const run = await claimRun(session, values, runIdFlag, say, (reason) => {
        logger.warn(`${reason}; stopping after the round in progress`);
        if (!stop.signal.aborted) stop.abort('the SuperLink (run stopped)');
      });

      mirror.attach(startLogUploader(client, run.runId, (e) => logger.debug(`PushLogs failed: ${e.message}`)));
      const link = new ServerAppIoLink(client, run.runId, logger);
      link.onFailure((e) => {
        // The run is over on the SuperLink's side (e.g. `flwr stop`): nothing left to report to it.
        session!.ended = e;
        if (!stop.signal.aborted) stop.abort('the SuperLink (it refused the run)');
        logger.warn(`the SuperLink refused the run's calls: ${e.message}`);
      });
      const engine = networkEngine({
        open: async () => {
          link.start();
          return { link, address: `${client.address} (SuperLink ServerAppIo, Flower run ${run.runId})`, close: () => link.close() };
        },
        runId: String(run.runId),
        roundTimeoutSeconds: num(values['round-timeout'], 600),
        minClients: values['min-clients'] !== undefined ? num(values['min-clients'], 1) : undefined,
        retries: num(values['round-retries'], 2),
        joinTimeoutSeconds: num(values['join-timeout'], 600),
        clientsPerRound: resolved.config.clients.perRound,
        logger,
        say,
      });
      const removeHandlers = stopOnSignals(stop, stderr);
      try {
        await trainRun(
          resolved,
          { cwd: ctx.cwd, stdout, stderr, logger },
          { ...(plan ? { resume: plan.resumed } : {}), overwrite: args.overwrite, signal: stop.signal, executor: engine },
        );
      } finally {
        removeHandlers();
      }
      await finish(session, { status: RunState.finished, subStatus: RunSubState.completed, details: '' }, logger, mirror);
      say(`serverapp: Flower run ${run.runId} finished (completed)`);
      return 0;
    } catch (e) {
      if (e instanceof TrainInterrupted) {
        if (session)
          await finish(session, { status: RunState.finished, subStatus: RunSubState.stopped, details: e.message }, logger, mirror);
        stderr.write(
          `${e.message}; summary.json and a checkpoint are in ${e.outDir}.\n` +
            `Resume with: fedloge serverapp --resume ${e.outDir} --superlink <host:port> (in a new Flower run)\n`,
        );
        return signalExitCode(e.signal);
      }
      if (session?.ended && session.run)
        return reportError(
          new Error(
            `the SuperLink ended Flower run ${session.run.runId} (${session.ended.message}); the rounds completed before are in the run folder`,
            { cause: e },
          ),
          stderr,
        );
      if (session)
        await finish(
          session,
          { status: RunState.finished, subStatus: RunSubState.failed, details: String((e as Error).message) },
          logger,
          mirror,
        );
      return reportError(e, stderr);
    } finally {
      session?.heartbeat?.stop();
      await mirror.close();
      session?.client.close();
    }
  },
};

/**
 * The command's stdout and stderr, teed to the SuperLink's log for the run once an uploader is attached
 * (earlier lines included), as flwr-serverapp mirrors both to its log uploader.
 */
class LogMirror {
  private uploader: LogUploader | undefined;
  private early: string[] = [];
  readonly stdout: Writable;
  readonly stderr: Writable;

  constructor(targets: { readonly stdout: NodeJS.WritableStream; readonly stderr: NodeJS.WritableStream }) {
    this.stdout = this.tee(targets.stdout);
    this.stderr = this.tee(targets.stderr);
  }

  private tee(target: NodeJS.WritableStream): Writable {
    return new Writable({
      write: (chunk: Buffer | string, _encoding, done) => {
        target.write(chunk);
        const text = chunk.toString();
        if (this.uploader) this.uploader.write(text);
        else this.early.push(text);
        done();
      },
    });
  }

  attach(uploader: LogUploader): void {
    this.uploader = uploader;
    for (const text of this.early.splice(0)) uploader.write(text);
  }

  async flush(): Promise<void> {
    await this.uploader?.flush();
  }

  /** Push what is left (writes reach `uploader` synchronously: `write` completes each chunk at once). */
  async close(): Promise<void> {
    await this.uploader?.stop();
  }
}

interface Session {
  readonly client: ServerAppIoClient;
  run: LinkRun | undefined;
  inputs: AppInputs | undefined;
  token: string | undefined;
  heartbeat: AppHeartbeat | undefined;
  /** Set once the SuperLink says the token is gone: the run is over there, nothing left to report. */
  lost?: boolean;
  /** Set when the SuperLink refused the run's calls for good (the run was stopped or finished there). */
  ended?: Error;
}

/** Find the run to serve (attach, launch with a token, or claim a pending one) and make it running. */
async function claimRun(
  session: Session,
  values: FlagValues,
  runId: bigint | undefined,
  say: (line: string) => void,
  onLost: (reason: string) => void,
): Promise<LinkRun> {
  const { client } = session;
  if (runId !== undefined) {
    const run = await client.getRun(runId);
    if (!run) throw new Error(`the SuperLink at ${client.address} has no run ${runId} (\`flwr ls\` lists its runs)`);
    if (run.status.status !== RunState.running)
      throw new Error(
        `run ${runId} is ${describeStatus(run.status)}, not running: --run-id attaches to a running run. ` +
          'Omit --run-id to launch a pending run (as SuperExec would), or pass the --token its launcher got.',
      );
    session.run = run;
    await checkNodesCall(client, runId);
    say(`serverapp: attached to Flower run ${runId} at ${client.address}`);
    return run;
  }
  let token = values['token'] !== undefined ? String(values['token']) : undefined;
  if (token === undefined) {
    const until = Date.now() + num(values['launch-timeout'], 600) * 1000;
    say(`serverapp: waiting for a pending run at ${client.address} (flwr run creates one)`);
    while (token === undefined) {
      for (const id of await client.listAppsToLaunch()) {
        token = await client.requestToken(id);
        if (token !== undefined) {
          say(`serverapp: claimed pending run ${id}`);
          break;
        }
      }
      if (token !== undefined) break;
      if (Date.now() > until)
        throw new Error(
          `no pending run appeared at ${client.address} within ${num(values['launch-timeout'], 600)} s (start one with \`flwr run\`)`,
        );
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  session.token = token;
  // The token lives 30 s without heartbeats: start them before anything slow.
  session.heartbeat = startAppHeartbeat(client, token, (reason) => {
    session.lost = true;
    onLost(reason);
  });
  const inputs = await client.pullAppInputs(token).catch((e: unknown) => {
    throw new Error(`the SuperLink would not start the run for this token: ${(e as Error).message}`, { cause: e });
  });
  session.inputs = inputs;
  session.run = inputs.run;
  await checkNodesCall(client, inputs.run.runId);
  say(
    `serverapp: launched Flower run ${inputs.run.runId}` +
      (inputs.fab ? ` (FAB ${inputs.fab.hash.slice(0, 12)}…, ${inputs.fab.bytes} bytes, not installed: the app is this command)` : ''),
  );
  return inputs.run;
}

/** One GetNodes up front, so a SuperLink that cannot serve the run fails the command at once with its reason. */
async function checkNodesCall(client: ServerAppIoClient, runId: bigint): Promise<void> {
  try {
    await client.getNodes(runId);
  } catch (e) {
    throw new Error(`the SuperLink at ${client.address} cannot list the nodes of run ${runId}: ${(e as Error).message}`, { cause: e });
  }
}

/** Report the outcome to the SuperLink: the context back (launched runs), then the run's final status. Never throws. */
async function finish(session: Session, status: RunStatusValue, logger: Logger, mirror: LogMirror): Promise<void> {
  const { client, run, inputs, token } = session;
  session.heartbeat?.stop();
  if (!run || session.lost || session.ended) return;
  try {
    await mirror.flush(); // as flwr-serverapp's exit handler: the logs first, then the status
    if (token !== undefined && inputs && status.subStatus === RunSubState.completed)
      await client.pushAppOutputs(token, run.runId, inputs.context);
    await client.updateRunStatus(run.runId, status);
  } catch (e) {
    logger.warn(`could not report the run's end to the SuperLink: ${(e as Error).message}`);
  }
}

function describeStatus(s: RunStatusValue): string {
  return s.subStatus ? `${s.status}:${s.subStatus}${s.details ? ` (${s.details})` : ''}` : s.status || 'of unknown status';
}

function parseRunId(text: string): bigint {
  if (!/^\d+$/.test(text)) throw new UsageError(`--run-id ${text}: expected the run's decimal id, as \`flwr ls\` shows it.`);
  const id = BigInt(text);
  if (id >= 2n ** 64n) throw new UsageError(`--run-id ${text}: Flower run ids are unsigned 64-bit integers.`);
  return id;
}

function num(v: string | number | boolean | undefined, fallback: number): number {
  return typeof v === 'number' ? v : fallback;
}

function clientTls(values: FlagValues) {
  const ca = values['tls-ca'];
  if (ca === undefined) {
    if (values['insecure'] !== true)
      throw new UsageError(
        "Give --tls-ca <pem> for a SuperLink behind TLS, or --insecure for plaintext (Flower 1.26's SuperLink serves ServerAppIo without TLS, on its own machine or network).",
      );
    return undefined;
  }
  if (values['insecure'] === true) throw new UsageError('--tls-ca and --insecure contradict each other; give one.');
  return { rootCerts: readFileSync(String(ca)) };
}

export function serverappHelp(): string {
  return [
    'Usage: fedloge serverapp --superlink <host:port> [--run-id <id> | --token <token>] [--insecure | --tls-ca <pem>] [--config <file>] [flags]',
    '',
    "Runs a fedloge federation as a Flower ServerApp: the rounds go through a Flower SuperLink's ServerAppIo API to",
    'the nodes joined to its Fleet API (`fedloge client --server <superlink>:9092 --clients <ids>`).',
    'Without --run-id or --token it launches the first pending run, as SuperExec does after `flwr run`.',
    'Same config, flags, outputs, checkpoints and --resume as `fedloge train`.',
    '',
    'ServerApp flags:',
    formatFlags(SERVERAPP_FLAGS),
    '',
    'Run flags (as for train):',
    formatFlagHelp(),
    '',
  ].join('\n');
}
