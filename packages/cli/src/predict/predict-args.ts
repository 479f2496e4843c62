/**
 * The flags of `fedloge predict`, parsed and checked before anything is loaded: every mistake is a
 * UsageError (exit status 2) saying what was wrong and how to write it.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BACKEND_CHOICES, type BackendChoice } from '@fedloge/core';
import { KERNEL_CHOICES, PREDICT_MODES, type KernelChoice, type PredictMode } from '@fedloge/strategies';
import { UsageError } from '../config/errors.js';
import { didYouMean } from '../config/suggest.js';

/** Which images to predict: the balanced test split or one client's local test set. */
export type PredictSplit = 'test' | 'local';
export const PREDICT_SPLITS: readonly PredictSplit[] = ['test', 'local'];

/** The two formats of the predictions file, chosen by its extension. */
export type PredictionsFormat = 'jsonl' | 'csv';

export interface PredictArgs {
  readonly help: boolean;
  /** Absolute path of the run folder (summary.json, model/). */
  readonly run: string;
  /** Absolute path of the model folder or .safetensors file. @default `<run>/model` */
  readonly model: string | undefined;
  /** Undefined: the model's default (FedLoGe: universal; any other strategy: global). */
  readonly mode: PredictMode | undefined;
  /** Prediction variant of a strategy's generic export (e.g. FedRoD's 'generic'); undefined: the headline. */
  readonly variant: string | undefined;
  readonly client: number | undefined;
  readonly split: PredictSplit;
  /** Test-split indices to predict instead of a whole split. */
  readonly indices: readonly number[] | undefined;
  /** Keep only the first `limit` images of the selection. */
  readonly limit: number | undefined;
  /** Absolute path of the predictions file. @default `<run>/${defaultFileName(…)}` */
  readonly out: string | undefined;
  readonly outFormat: PredictionsFormat;
  /** Overrides the run's data folder. */
  readonly dataDir: string | undefined;
  readonly backend: BackendChoice;
  readonly kernels: KernelChoice | undefined;
  readonly batchSize: number;
}

/** Flags of `predict`, in `--help` order: [flag, placeholder, description]. */
export const PREDICT_FLAGS = [
  ['run', '<dir>', 'Run folder written by `fedloge train` (required): its summary.json names the data set, model/ holds the model.'],
  ['mode', '<mode>', `Inference mode: ${PREDICT_MODES.join(' | ')} (default: universal for FedLoGe, global for other strategies).`],
  ['variant', '<name>', "Prediction variant of a non-FedLoGe model (e.g. creff's 'fedavg' head); default: the strategy's headline."],
  ['client', '<k>', 'Client id 0..N-1 whose heads `personalized` uses (required there); with --split local, whose local test set.'],
  ['split', '<split>', "Images: 'test' (the balanced test split, default) or 'local' (client k's local test set of the run)."],
  ['indices', '<i,j,…>', 'Comma-separated test-split indices to predict instead of a whole split.'],
  ['limit', '<n>', 'Predict only the first n images of the selection.'],
  [
    'out',
    '<file>',
    'Predictions file, .jsonl or .csv (index, label, predicted). Default: <run>/predictions-<mode>[-<variant>][-client<k>][-local].jsonl.',
  ],
  ['model', '<dir>', 'Model folder (default <run>/model), or a .safetensors file of an export.'],
  ['data-dir', '<dir>', 'Folder with the data set files, if not where the run found them.'],
  ['backend', '<name>', `tfjs backend: ${BACKEND_CHOICES.join(', ')} (default auto).`],
  ['kernels', '<name>', `SSE-C kernels: ${KERNEL_CHOICES.join(', ')} (default: the run's, else native with tfjs fallback).`],
  ['batch-size', '<n>', 'Images per forward pass (default 500).'],
  ['help', '', 'Show this help.'],
] as const;

/** Parse `argv` (after `predict`); relative paths resolve against `cwd`. */
export function parsePredictArgs(argv: readonly string[], cwd: string): PredictArgs {
  const options = Object.fromEntries(PREDICT_FLAGS.map(([flag]) => [flag, { type: flag === 'help' ? 'boolean' : 'string' }])) as Record<
    string,
    { type: 'string' | 'boolean' }
  >;
  argv = attachNegativeValues(argv, options);
  const { tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  for (const t of tokens) {
    if (t.kind === 'option' && !(t.name in options)) {
      throw new UsageError(
        `Unknown flag '${t.rawName}'.${didYouMean(t.name, Object.keys(options), (s) => `'--${s}'`)} Run 'fedloge predict --help' to list the flags.`,
      );
    }
    if (t.kind === 'positional')
      throw new UsageError(`Unexpected argument '${t.value}'. Flags take the form --name value (see 'fedloge predict --help').`);
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values as Record<
      string,
      string | boolean | undefined
    >;
  } catch (e) {
    throw new UsageError(`${(e as Error).message} (see 'fedloge predict --help')`);
  }
  const text = (flag: string) => values[flag] as string | undefined;
  const path = (flag: string) => (text(flag) === undefined ? undefined : resolve(cwd, text(flag)!));

  if (values['help'] === true) return { ...defaults(), help: true };
  const run = path('run');
  if (run === undefined)
    throw new UsageError("predict needs --run <dir>, the folder a 'fedloge train' run wrote (e.g. --run runs/20250101-120000-fedloge).");

  const mode = text('mode') === undefined ? undefined : oneOf('mode', text('mode')!, PREDICT_MODES);
  const client = text('client') === undefined ? undefined : count('client', text('client')!, 0);
  const split = oneOf('split', text('split') ?? 'test', PREDICT_SPLITS);
  if (mode === 'personalized' && client === undefined) {
    throw new UsageError(
      "--mode personalized needs --client <k>: the personalized model is client k's (k from 0 to the number of clients − 1).",
    );
  }
  if (split === 'local' && client === undefined) throw new UsageError('--split local needs --client <k>: whose local test set to predict.');
  if (client !== undefined && mode !== 'personalized' && split !== 'local') {
    throw new UsageError(
      `--client applies to --mode personalized or --split local; mode '${mode ?? 'global'}' on the test split uses no client.`,
    );
  }
  const indices = text('indices') === undefined ? undefined : parseIndices(text('indices')!);
  if (indices !== undefined && split === 'local') {
    throw new UsageError('--indices picks test-split images itself; leave out --split local (or --indices).');
  }
  const out = path('out');
  return {
    help: false,
    run,
    model: path('model'),
    mode,
    variant: text('variant'),
    client,
    split,
    indices,
    limit: text('limit') === undefined ? undefined : count('limit', text('limit')!, 1),
    out,
    outFormat: out === undefined ? 'jsonl' : formatOf(out),
    dataDir: path('data-dir'),
    backend: oneOf('backend', text('backend') ?? 'auto', BACKEND_CHOICES),
    kernels: text('kernels') === undefined ? undefined : oneOf('kernels', text('kernels')!, KERNEL_CHOICES),
    batchSize: text('batch-size') === undefined ? 500 : count('batch-size', text('batch-size')!, 1),
  };
}

function defaults(): PredictArgs {
  return {
    help: false,
    run: '',
    model: undefined,
    mode: undefined,
    variant: undefined,
    client: undefined,
    split: 'test',
    indices: undefined,
    limit: undefined,
    out: undefined,
    outFormat: 'jsonl',
    dataDir: undefined,
    backend: 'auto',
    kernels: undefined,
    batchSize: 500,
  };
}

/** `--client -1` → `--client=-1`, so the value reaches our range check instead of parseArgs's "ambiguous" error. */
function attachNegativeValues(argv: readonly string[], options: Record<string, { type: 'string' | 'boolean' }>): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i]!.startsWith('--') ? argv[i]!.slice(2) : undefined;
    const next = argv[i + 1];
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      out.push(`${argv[i]}=${next}`);
      i++;
    } else {
      out.push(argv[i]!);
    }
  }
  return out;
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`--${flag} '${value}' is not one of ${allowed.join(', ')}.${didYouMean(value, allowed)}`);
  }
  return value as T;
}

/** A whole number ≥ `min`. */
function count(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min) {
    throw new UsageError(`--${flag} '${value}' is not a whole number ≥ ${min}.`);
  }
  return n;
}

function parseIndices(value: string): number[] {
  const parts = value.split(',').map((s) => s.trim());
  const bad = parts.filter((s) => !/^\d+$/.test(s));
  if (parts.length === 0 || bad.length > 0) {
    throw new UsageError(
      `--indices '${value}': expected comma-separated whole numbers (e.g. --indices 0,17,42), not ${bad.map((s) => `'${s}'`).join(', ')}.`,
    );
  }
  return parts.map(Number);
}

function formatOf(file: string): PredictionsFormat {
  if (file.endsWith('.csv')) return 'csv';
  if (file.endsWith('.jsonl')) return 'jsonl';
  throw new UsageError(`--out '${file}': name the file .jsonl (one JSON object per line) or .csv.`);
}
