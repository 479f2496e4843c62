/**
 * Flags of `fedloge server` and `fedloge client` that are not run config: where to listen or
 * connect, certificates, fault settings. `server` hands the rest of its command line to the
 * config parser (the same flags as `train`).
 */
import { resolve } from 'node:path';
import { UsageError } from '../config/errors.js';

export interface FlagDef {
  readonly flag: string;
  readonly kind: 'string' | 'number' | 'boolean';
  readonly placeholder?: string;
  readonly description: string;
  /** A path: resolved against the working folder. */
  readonly path?: boolean;
}

export const SERVER_FLAGS: readonly FlagDef[] = [
  { flag: 'listen', kind: 'string', placeholder: '<host:port>', description: 'Address the Fleet API listens on (default 0.0.0.0:9092).' },
  {
    flag: 'min-clients',
    kind: 'number',
    placeholder: '<n>',
    description: 'Fewest replies a round may close with (default: clients per round).',
  },
  { flag: 'round-timeout', kind: 'number', placeholder: '<s>', description: 'Seconds a round waits for its replies (default 600).' },
  {
    flag: 'round-retries',
    kind: 'number',
    placeholder: '<n>',
    description: 'Times a round short of --min-clients is sent again before the run stops (default 2).',
  },
  {
    flag: 'join-timeout',
    kind: 'number',
    placeholder: '<s>',
    description: 'Seconds to wait for every client to join before round 1 (default 600; then it starts with at least --min-clients).',
  },
  { flag: 'tls-cert', kind: 'string', placeholder: '<pem>', description: "The server's certificate chain (TLS).", path: true },
  { flag: 'tls-key', kind: 'string', placeholder: '<pem>', description: "The server's private key (TLS).", path: true },
  {
    flag: 'tls-client-ca',
    kind: 'string',
    placeholder: '<pem>',
    description: 'Require client certificates signed by this CA (mTLS).',
    path: true,
  },
  {
    flag: 'allow-keys',
    kind: 'string',
    placeholder: '<file>',
    description: 'Only nodes whose ECDSA P-384 public key (PEM, one block per node) is in this file may join.',
    path: true,
  },
  {
    flag: 'fab',
    kind: 'string',
    placeholder: '<app.fab>',
    description:
      "A Flower App Bundle to serve with GetFab (what Flower SuperNodes fetch before their first message; 'flwr build' makes one).",
    path: true,
  },
  { flag: 'insecure', kind: 'boolean', description: 'Listen without TLS (loopback and tests).' },
];

export const CLIENT_FLAGS: readonly FlagDef[] = [
  { flag: 'server', kind: 'string', placeholder: '<host:port>', description: "The server's Fleet API address." },
  {
    flag: 'clients',
    kind: 'string',
    placeholder: '<ids>',
    description: 'Logical clients this process hosts, e.g. 0-9 or 0,3,5-7 (one Fleet node each).',
  },
  {
    flag: 'out',
    kind: 'string',
    placeholder: '<dir>',
    description: "This process's folder: node keys and the clients' state checkpoint (default ./fedloge-client).",
    path: true,
  },
  {
    flag: 'data-dir',
    kind: 'string',
    placeholder: '<dir>',
    description: "Read the data set from this folder instead of the server's path.",
    path: true,
  },
  {
    flag: 'partition',
    kind: 'string',
    placeholder: '<file>',
    description: "Use this partition file instead of the server's (a site's own split).",
    path: true,
  },
  { flag: 'backend', kind: 'string', placeholder: '<name>', description: "Tensor backend (default: the server's)." },
  {
    flag: 'config',
    kind: 'string',
    placeholder: '<file>',
    description: 'Run config to use when the server is not fedloge (a Flower ServerApp).',
    path: true,
  },
  { flag: 'tls-ca', kind: 'string', placeholder: '<pem>', description: "CA that signed the server's certificate (TLS).", path: true },
  { flag: 'tls-cert', kind: 'string', placeholder: '<pem>', description: "This client's certificate (mTLS).", path: true },
  { flag: 'tls-key', kind: 'string', placeholder: '<pem>', description: "This client's certificate key (mTLS).", path: true },
  {
    flag: 'heartbeat',
    kind: 'number',
    placeholder: '<s>',
    description:
      'Heartbeat interval announced to the server; a node silent for twice that is offline (default 30; a Flower SuperLink takes 10-1800).',
  },
  {
    flag: 'node-config',
    kind: 'string',
    placeholder: "'<k=v ...>'",
    description: "This node's settings, as Flower's --node-config: 'partition-id=3 num-partitions=10' (partition-id: the client hosted).",
  },
  {
    flag: 'server-patience',
    kind: 'number',
    placeholder: '<s>',
    description:
      'Leave with an error when the server has not answered for this long (default 600; a resumed server within it is found again).',
  },
  {
    flag: 'no-self-register',
    kind: 'boolean',
    description: "Do not register the node key (a SuperLink with --enable-supernode-auth, where 'flwr supernode register' did it).",
  },
  { flag: 'insecure', kind: 'boolean', description: 'Connect without TLS (loopback and tests).' },
  { flag: 'help', kind: 'boolean', description: 'Show this help.' },
];

export type FlagValues = Readonly<Record<string, string | number | boolean | undefined>>;

/**
 * Take `defs` out of `argv`: their values, and the arguments left over (in order) for another
 * parser. With `strict`, anything left over is an error.
 */
export function takeFlags(
  argv: readonly string[],
  defs: readonly FlagDef[],
  cwd: string,
  strict: boolean,
): { values: FlagValues; rest: string[] } {
  const byName = new Map(defs.map((d) => [d.flag, d]));
  const values: Record<string, string | number | boolean | undefined> = {};
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const m = /^--([^=]+)(?:=(.*))?$/.exec(arg);
    const def = m ? byName.get(m[1]!) : undefined;
    if (!m || !def) {
      if (strict) throw new UsageError(`Unknown argument '${arg}'. Run with --help to list the flags.`);
      rest.push(arg);
      continue;
    }
    if (def.kind === 'boolean') {
      if (m[2] !== undefined) throw new UsageError(`--${def.flag} takes no value (got '${m[2]}').`);
      values[def.flag] = true;
      continue;
    }
    const text = m[2] ?? argv[++i];
    if (text === undefined || (m[2] === undefined && text.startsWith('--')))
      throw new UsageError(`--${def.flag} needs a value ${def.placeholder ?? ''}.`);
    if (def.kind === 'number') {
      const n = Number(text);
      if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${def.flag} ${text}: expected a non-negative number.`);
      values[def.flag] = n;
    } else values[def.flag] = def.path ? resolve(cwd, text) : text;
  }
  return { values, rest };
}

/** `host:port` → its parts; the port must be given. */
export function parseAddress(text: string, flag: string, allowAnyPort = false): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(text);
  const port = m ? Number(m[2]) : NaN;
  if (!m || !((port > 0 || (allowAnyPort && port === 0)) && port < 65536))
    throw new UsageError(`${flag} ${text}: expected host:port, e.g. 0.0.0.0:9092 or server.example.org:9092.`);
  return { host: m[1]!, port };
}

/** `--help` lines for `defs`. */
export function formatFlags(defs: readonly FlagDef[]): string {
  const left = defs.map((d) => `  --${d.flag}${d.placeholder ? ` ${d.placeholder}` : ''}`);
  const width = Math.max(...left.map((l) => l.length)) + 2;
  return defs.map((d, i) => `${left[i]!.padEnd(width)}${d.description}`).join('\n');
}
