/**
 * `--set <key>=<v1>,<v2>,…` (repeatable): a config key (dotted path, as in a config file, e.g.
 * `train.lr`, `strategy.options.etfNorm`) and the values a sweep tries. Taken out of the command
 * line before the shared config flags are parsed, as compare's flags are. Each value is read as a
 * YAML scalar would be: a number, true/false, or else a string.
 */
import { UsageError } from '../config/errors.js';

export const SET_FLAG = 'set';

/** One swept key and its values, in the order given. */
export interface SweepAxis {
  readonly key: string;
  readonly values: readonly unknown[];
}

const EXAMPLE = `--${SET_FLAG} train.lr=0.01,0.03`;

/** Takes every `--set k=v,…` (or `--set=k=v,…`) out of `argv`. */
export function takeSetFlags(argv: readonly string[]): { axes: SweepAxis[]; rest: string[] } {
  const rest: string[] = [];
  const axes: SweepAxis[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    let given: string | undefined;
    if (arg === `--${SET_FLAG}`) {
      given = argv[++i];
      if (given === undefined || given.startsWith('--')) throw new UsageError(`--${SET_FLAG} needs <key>=<values>, e.g. ${EXAMPLE}.`);
    } else if (arg.startsWith(`--${SET_FLAG}=`)) {
      given = arg.slice(SET_FLAG.length + 3);
    } else {
      rest.push(arg);
      continue;
    }
    axes.push(parseAxis(given));
  }
  const keys = axes.map((a) => a.key);
  const repeated = keys.find((k, i) => keys.indexOf(k) !== i);
  if (repeated !== undefined) throw new UsageError(`--${SET_FLAG} names '${repeated}' twice; list all its values once: ${EXAMPLE}.`);
  return { axes, rest };
}

function parseAxis(text: string): SweepAxis {
  const eq = text.indexOf('=');
  const key = text.slice(0, Math.max(eq, 0)).trim();
  if (eq <= 0 || !/^[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)*$/.test(key)) {
    throw new UsageError(`--${SET_FLAG} '${text}': expected <key>=<v1>,<v2>,… with a dotted config key, e.g. ${EXAMPLE}.`);
  }
  const parts = text
    .slice(eq + 1)
    .split(',')
    .map((s) => s.trim());
  if (parts.some((p) => p === '')) throw new UsageError(`--${SET_FLAG} '${text}': a value is empty; separate values by single commas.`);
  const values = parts.map(scalar);
  const seen = parts.find((p, i) => parts.indexOf(p) !== i);
  if (seen !== undefined) throw new UsageError(`--${SET_FLAG} '${text}' lists '${seen}' twice; each value runs once.`);
  return { key, values };
}

/** A value as a YAML scalar: number, boolean, or string. */
export function scalar(text: string): unknown {
  if (text === 'true') return true;
  if (text === 'false') return false;
  const n = Number(text);
  return /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(text) && Number.isFinite(n) ? n : text;
}
