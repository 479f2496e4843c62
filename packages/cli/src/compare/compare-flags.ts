/**
 * The flags only `compare` has besides `--strategies`: `--seeds a,b,c` (repeat every strategy over
 * these seeds and report mean ± std) and `--variants all|headline[,<strategy>=<variant>…]` (rows
 * for every variant each strategy reports, or only its headline; and, per strategy, which reported
 * variant stands in its headline row, e.g. `fedloge=ga-fr,fedrod=generic+personal`). Taken out of the command line before the shared
 * config flags are parsed, as `--strategies` is.
 */
import { UsageError } from '../config/errors.js';

export const SEEDS_FLAG = 'seeds';
export const VARIANTS_FLAG = 'variants';
export const VARIANT_CHOICES = ['all', 'headline'] as const;

export interface CompareFlags {
  /** Seeds in the order given; undefined: the config's single seed. */
  readonly seeds: readonly number[] | undefined;
  /** Rows for every reported variant (`all`, the default) or the headline only. */
  readonly variants: boolean;
  /** Per strategy, the variant names chosen for its headline row (absent when none is chosen). */
  readonly chosen?: Readonly<Record<string, readonly string[]>>;
  readonly rest: readonly string[];
}

/** Takes `--<name> <value>` / `--<name>=<value>` (once) out of `argv`. */
function takeValue(argv: readonly string[], name: string, example: string): { value: string | undefined; rest: string[] } {
  const rest: string[] = [];
  let value: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    let given: string | undefined;
    if (arg === `--${name}`) {
      given = argv[i + 1];
      if (given === undefined || given.startsWith('--')) throw new UsageError(`--${name} needs a value, e.g. --${name} ${example}.`);
      i++;
    } else if (arg.startsWith(`--${name}=`)) {
      given = arg.slice(name.length + 3);
    } else {
      rest.push(arg);
      continue;
    }
    if (value !== undefined) throw new UsageError(`--${name} is given twice ('${value}' and '${given}'); give it once.`);
    value = given;
  }
  return { value, rest };
}

export function takeCompareFlags(argv: readonly string[]): CompareFlags {
  const seedsArg = takeValue(argv, SEEDS_FLAG, '3407,1,2');
  const variantsArg = takeValue(seedsArg.rest, VARIANTS_FLAG, 'headline');
  let seeds: number[] | undefined;
  if (seedsArg.value !== undefined) {
    const parts = seedsArg.value.split(',').map((s) => s.trim());
    seeds = parts.map((s) => {
      const n = Number(s);
      if (s === '' || !Number.isInteger(n) || n < 0 || n > 0xffffffff) {
        throw new UsageError(
          `--${SEEDS_FLAG} '${seedsArg.value}': '${s}' is not a seed; give integers in [0, 4294967295] separated by commas, e.g. --${SEEDS_FLAG} 3407,1,2.`,
        );
      }
      return n;
    });
    const repeated = seeds.find((s, i) => seeds!.indexOf(s) !== i);
    if (repeated !== undefined) throw new UsageError(`--${SEEDS_FLAG} lists seed ${repeated} more than once; each seed runs once.`);
  }
  let rows: string = 'all';
  const chosen: Record<string, string[]> = {};
  for (const item of (variantsArg.value ?? 'all').split(',').map((s) => s.trim())) {
    const eq = item.indexOf('=');
    if (eq > 0 && eq < item.length - 1) {
      const strategy = item.slice(0, eq).trim();
      (chosen[strategy] ??= []).push(item.slice(eq + 1).trim());
    } else if ((VARIANT_CHOICES as readonly string[]).includes(item)) {
      rows = item;
    } else {
      throw new UsageError(
        `--${VARIANTS_FLAG} '${item}' is not one of ${VARIANT_CHOICES.join(', ')} or <strategy>=<variant> ` +
          `(e.g. --${VARIANTS_FLAG} headline,fedloge=ga-fr,fedrod=generic+personal).`,
      );
    }
  }
  return { seeds, variants: rows === 'all', ...(Object.keys(chosen).length > 0 ? { chosen } : {}), rest: variantsArg.rest };
}
