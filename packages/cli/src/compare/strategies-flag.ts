/**
 * The `--strategies a,b,c` flag of `compare`. It is taken out of the command line before the
 * shared config flags are parsed, so `compare` accepts exactly the flags of `train` plus this one.
 */
import { UsageError } from '../config/errors.js';

export const STRATEGIES_FLAG = 'strategies';

/** The strategy names and the remaining arguments (for the config flag parser). */
export interface StrategiesArg {
  /** Names in the order given; undefined when the flag is absent. */
  readonly strategies: readonly string[] | undefined;
  readonly rest: readonly string[];
}

/**
 * Take `--strategies <list>` / `--strategies=<list>` (repeatable; lists concatenate) out of `argv`.
 * Names are comma-separated and trimmed; an empty name or a name given twice is a UsageError, since
 * two runs of one strategy would write the same folder.
 */
export function takeStrategiesFlag(argv: readonly string[]): StrategiesArg {
  const rest: string[] = [];
  let lists: string[] | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === `--${STRATEGIES_FLAG}`) {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) {
        throw new UsageError(
          `--${STRATEGIES_FLAG} needs a comma-separated list of strategy names, e.g. --${STRATEGIES_FLAG} fedavg,fedprox.`,
        );
      }
      (lists ??= []).push(value);
      i++;
    } else if (arg.startsWith(`--${STRATEGIES_FLAG}=`)) {
      (lists ??= []).push(arg.slice(STRATEGIES_FLAG.length + 3));
    } else {
      rest.push(arg);
    }
  }
  if (lists === undefined) return { strategies: undefined, rest };
  const names = lists.flatMap((list) => list.split(',')).map((n) => n.trim());
  if (names.some((n) => n === '')) {
    throw new UsageError(`--${STRATEGIES_FLAG} '${lists.join(',')}' contains an empty name; separate names with single commas.`);
  }
  const repeated = names.filter((n, i) => names.indexOf(n) !== i);
  if (repeated.length > 0) {
    throw new UsageError(`--${STRATEGIES_FLAG} lists '${repeated[0]}' more than once; each strategy runs once.`);
  }
  return { strategies: names, rest };
}
