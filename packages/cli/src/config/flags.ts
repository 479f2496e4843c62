/**
 * Command-line flags that set config values: one table that drives parsing (node:util parseArgs,
 * no dependency), the flags config layer and the `--help` text, so the three cannot disagree.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from './errors.js';
import type { ConfigLayer } from './merge.js';
import { resolveInputPaths } from './load-file.js';
import { didYouMean } from './suggest.js';

/** How a flag's text becomes a config value. */
export type FlagValueKind = 'string' | 'number' | 'boolean' | 'strings' | 'count-or-auto';

/** A flag that sets one config value. */
export interface ConfigFlag {
  /** Without the dashes, e.g. `clients-per-round`. */
  readonly flag: string;
  /** Config path it sets, e.g. `['clients', 'perRound']`. */
  readonly path: readonly string[];
  readonly kind: FlagValueKind;
  /** Placeholder in `--help`, e.g. `<n>`. */
  readonly placeholder?: string;
  /** `--help` text when the config schema has none for `path` (plugin options). */
  readonly description?: string;
}

/** Every config flag, in `--help` order. Descriptions and defaults come from the config schema. */
export const CONFIG_FLAGS: readonly ConfigFlag[] = [
  { flag: 'strategy', path: ['strategy', 'name'], kind: 'string', placeholder: '<name>' },
  { flag: 'aggregator', path: ['aggregator', 'name'], kind: 'string', placeholder: '<name>' },
  { flag: 'plugin', path: ['plugins'], kind: 'strings', placeholder: '<module>' },
  { flag: 'rounds', path: ['rounds'], kind: 'number', placeholder: '<n>' },
  { flag: 'clients', path: ['clients', 'total'], kind: 'number', placeholder: '<n>' },
  { flag: 'clients-per-round', path: ['clients', 'perRound'], kind: 'number', placeholder: '<n>' },
  { flag: 'fraction', path: ['clients', 'fraction'], kind: 'number', placeholder: '<f>' },
  { flag: 'local-epochs', path: ['train', 'localEpochs'], kind: 'number', placeholder: '<n>' },
  { flag: 'batch-size', path: ['train', 'batchSize'], kind: 'number', placeholder: '<n>' },
  { flag: 'lr', path: ['train', 'lr'], kind: 'number', placeholder: '<x>' },
  { flag: 'momentum', path: ['train', 'momentum'], kind: 'number', placeholder: '<x>' },
  { flag: 'weight-decay', path: ['train', 'weightDecay'], kind: 'number', placeholder: '<x>' },
  {
    flag: 'optimizer',
    path: ['train', 'optimizer', 'name'],
    kind: 'string',
    placeholder: '<sgd|adam|adamw>',
    description:
      'Local optimiser (PyTorch semantics), fresh every client-round; betas/eps via train.optimizer in the config. (default: sgd)',
  },
  {
    flag: 'lr-schedule',
    path: ['train', 'lrSchedule', 'name'],
    kind: 'string',
    placeholder: '<constant|step|cosine>',
    description: 'Per-round lr schedule, the same lr for every client of a round; options via train.lrSchedule. (default: constant)',
  },
  {
    flag: 'lr-step-rounds',
    path: ['train', 'lrSchedule', 'stepRounds'],
    kind: 'number',
    placeholder: '<n>',
    description: 'step schedule: multiply lr by gamma (0.1 unless train.lrSchedule.gamma) every n rounds.',
  },
  {
    flag: 'warmup-rounds',
    path: ['train', 'lrSchedule', 'warmupRounds'],
    kind: 'number',
    placeholder: '<n>',
    description: 'Linear lr warm-up over the first n rounds (with --lr-schedule).',
  },
  { flag: 'dataset', path: ['dataset', 'name'], kind: 'string', placeholder: '<name>' },
  { flag: 'data-dir', path: ['dataset', 'dataDir'], kind: 'string', placeholder: '<dir>' },
  { flag: 'list-dir', path: ['dataset', 'listDir'], kind: 'string', placeholder: '<dir>' },
  { flag: 'train-list', path: ['dataset', 'trainList'], kind: 'string', placeholder: '<file>' },
  { flag: 'test-list', path: ['dataset', 'testList'], kind: 'string', placeholder: '<file>' },
  { flag: 'eval-split', path: ['dataset', 'evalSplit'], kind: 'string', placeholder: '<test|val>' },
  { flag: 'image-resolution', path: ['dataset', 'imageResolution'], kind: 'number', placeholder: '<px>' },
  { flag: 'image-size', path: ['dataset', 'imageSize'], kind: 'number', placeholder: '<px>' },
  { flag: 'image-cache', path: ['dataset', 'imageCache'], kind: 'string', placeholder: '<dir>' },
  { flag: 'imbalance-factor', path: ['dataset', 'imbalanceFactor'], kind: 'number', placeholder: '<x>' },
  { flag: 'alpha', path: ['dataset', 'alpha'], kind: 'number', placeholder: '<x>' },
  { flag: 'iid', path: ['dataset', 'iid'], kind: 'boolean' },
  { flag: 'partition-scheme', path: ['dataset', 'partition'], kind: 'string', placeholder: '<dirichlet|iid|shard|pathological>' },
  { flag: 'shards-per-client', path: ['dataset', 'shardsPerClient'], kind: 'number', placeholder: '<s>' },
  { flag: 'classes-per-client', path: ['dataset', 'classesPerClient'], kind: 'number', placeholder: '<k>' },
  { flag: 'model', path: ['model', 'name'], kind: 'string', placeholder: '<name>' },
  { flag: 'seed', path: ['seed'], kind: 'number', placeholder: '<n>' },
  { flag: 'backend', path: ['backend'], kind: 'string', placeholder: '<name>' },
  {
    flag: 'kernels',
    path: ['strategy', 'options', 'kernels'],
    kind: 'string',
    placeholder: '<tfjs|native|cuda>',
    description: 'Head kernels of strategies that have a `kernels` option (fedloge): sets strategy.options.kernels.',
  },
  { flag: 'eval-every', path: ['evalEvery'], kind: 'number', placeholder: '<n>' },
  { flag: 'workers', path: ['workers'], kind: 'count-or-auto', placeholder: '<n|auto>' },
  { flag: 'threads', path: ['threads'], kind: 'count-or-auto', placeholder: '<n|auto>' },
  { flag: 'out', path: ['out'], kind: 'string', placeholder: '<dir>' },
  { flag: 'checkpoint-every', path: ['checkpoint', 'every'], kind: 'number', placeholder: '<k>' },
  { flag: 'keep-checkpoints', path: ['checkpoint', 'keep'], kind: 'number', placeholder: '<n>' },
  { flag: 'partition', path: ['partition'], kind: 'string', placeholder: '<file>' },
  { flag: 'export-partition', path: ['exportPartition'], kind: 'string', placeholder: '<file>' },
  { flag: 'export-initial', path: ['exportInitial'], kind: 'string', placeholder: '<file.npz>' },
];

/** Flags that do not set a config value. */
export const COMMAND_FLAGS = [
  { flag: 'config', kind: 'string', placeholder: '<file>', description: 'Config file (.json, .yaml or .yml).' },
  {
    flag: 'resume',
    kind: 'string',
    placeholder: '<run folder>',
    description:
      "Continue an interrupted run from its newest checkpoint, with the run's own config (flags may only change out-of-band settings such as --workers or --threads).",
  },
  { flag: 'overwrite', kind: 'boolean', description: 'Clear a non-empty --out run folder first (otherwise it is refused).' },
  { flag: 'help', kind: 'boolean', description: 'Show this help.' },
] as const;

/** What `parseConfigArgs` found on a command line. */
export interface ParsedConfigArgs {
  readonly help: boolean;
  readonly configFile: string | undefined;
  /** `--resume`: the run folder to continue (absolute). */
  readonly resume: string | undefined;
  /** `--overwrite`: clear a non-empty output folder. */
  readonly overwrite: boolean;
  /** The flags layer (highest precedence); relative input paths resolved against `cwd`. */
  readonly layer: ConfigLayer;
}

/**
 * Parse the flags of a config-driven command (`train`). Unknown flags, missing values and
 * non-numeric numbers throw a UsageError that says what was wrong and suggests the likely flag.
 */
export function parseConfigArgs(argv: readonly string[], cwd: string): ParsedConfigArgs {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> = {};
  for (const f of CONFIG_FLAGS) {
    options[f.flag] = { type: f.kind === 'boolean' ? 'boolean' : 'string', ...(f.kind === 'strings' ? { multiple: true } : {}) };
  }
  for (const f of COMMAND_FLAGS) options[f.flag] = { type: f.kind };

  argv = attachNegativeNumbers(argv, options);

  // Pass 1, lenient: find unknown flags ourselves so the error can suggest the closest one.
  const known = Object.keys(options);
  const { tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  for (const t of tokens) {
    if (t.kind === 'option' && !(t.name in options)) {
      throw new UsageError(
        `Unknown flag '${t.rawName}'.${didYouMean(t.name, known, (s) => `'--${s}'`)} Run with --help to list the flags.`,
      );
    }
    if (t.kind === 'positional') {
      throw new UsageError(`Unexpected argument '${t.value}'. Flags take the form --name value (see --help).`);
    }
  }

  // Pass 2, strict: missing values and values given to boolean flags.
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  try {
    values = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values;
  } catch (e) {
    throw new UsageError(`${(e as Error).message} (see --help)`);
  }

  const layerValues: Record<string, unknown> = {};
  const flagOfPath = new Map<string, string>();
  for (const f of CONFIG_FLAGS) {
    const raw = values[f.flag];
    if (raw === undefined) continue;
    setPath(layerValues, f.path, convert(f, raw));
    flagOfPath.set(f.path.join('.'), `--${f.flag}`);
  }
  const configFile = values['config'];
  const resume = values['resume'];
  return {
    help: values['help'] === true,
    configFile: typeof configFile === 'string' ? configFile : undefined,
    resume: typeof resume === 'string' ? resolve(cwd, resume) : undefined,
    overwrite: values['overwrite'] === true,
    layer: {
      values: resolveInputPaths(layerValues, cwd),
      describe: (path) => flagOfPath.get(path.join('.')) ?? `--${path.join('.')}`,
    },
  };
}

/**
 * `--lr -1` → `--lr=-1`: parseArgs reads a value that starts with a dash as a possible flag and
 * refuses it, but a negative number after a value flag can only be its value.
 */
function attachNegativeNumbers(argv: readonly string[], options: Record<string, { type: 'string' | 'boolean' }>): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    const name = arg.startsWith('--') && !arg.includes('=') ? arg.slice(2) : undefined;
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && /^-(\d|\.\d)/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

function convert(f: ConfigFlag, raw: string | boolean | (string | boolean)[]): unknown {
  switch (f.kind) {
    case 'boolean':
      return raw === true;
    case 'strings':
      return (Array.isArray(raw) ? raw : [raw]).map(String);
    case 'string':
      return String(raw);
    case 'number':
      return toNumber(f.flag, String(raw));
    case 'count-or-auto':
      return raw === 'auto' ? 'auto' : toNumber(f.flag, String(raw), ' or "auto"');
  }
}

function toNumber(flag: string, text: string, orElse = ''): number {
  const n = text.trim() === '' ? NaN : Number(text);
  if (!Number.isFinite(n)) throw new UsageError(`--${flag} expects a number${orElse} but received '${text}'.`);
  return n;
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
  node[path[path.length - 1]!] = value;
}
