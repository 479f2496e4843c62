/**
 * A chosen prediction variant of one strategy (`compare --variants fedloge=ga-fr`): which of the
 * variants it reported stands in its headline row instead of the strategy's own headline. Names
 * resolve against the evaluator's keys: a full key (`gm/ga-fr`, `pm/la-fr/unmasked`) or a bare name
 * (`ga-fr`), which is the GM variant of that name, else the PM one (masked as the run's headline PM).
 */
import { UsageError } from '../config/errors.js';

export interface ResolvedVariant {
  readonly which: 'gm' | 'pm';
  /** The evaluator key (`gm/<name>`, `pm/<name>` or `pm/<name>/unmasked`). */
  readonly key: string;
}

/** The key `name` means among `keys` (a round's variant keys); `pmMasked` picks a bare PM name's masking. */
export function resolveVariant(strategy: string, name: string, keys: readonly string[], pmMasked: boolean): ResolvedVariant {
  const candidates =
    name.startsWith('gm/') || name.startsWith('pm/')
      ? [name]
      : [`gm/${name}`, pmMasked || name.endsWith('/unmasked') ? `pm/${name}` : `pm/${name}/unmasked`];
  const key = candidates.find((k) => keys.includes(k));
  if (key === undefined) {
    const names = keys.filter((k) => !k.endsWith('/unmasked')).map((k) => k.slice(3));
    throw new UsageError(
      `--variants ${strategy}=${name}: ${strategy} reported no such variant; its variants are ${names.join(', ')} ` +
        `(or a full key: ${keys.join(', ')}).`,
    );
  }
  return { which: key.startsWith('gm/') ? 'gm' : 'pm', key };
}

/** Resolve every chosen name of one strategy; at most one GM and one PM choice. */
export function resolveVariants(
  strategy: string,
  names: readonly string[],
  keys: readonly string[],
  pmMasked: boolean,
): { gm?: string; pm?: string } {
  const out: { gm?: string; pm?: string } = {};
  for (const name of names) {
    const { which, key } = resolveVariant(strategy, name, keys, pmMasked);
    if (out[which] !== undefined && out[which] !== key) {
      throw new UsageError(
        `--variants chooses two ${which.toUpperCase()} variants for ${strategy} ('${out[which]}' and '${key}'); choose one GM and one PM at most.`,
      );
    }
    out[which] = key;
  }
  return out;
}
