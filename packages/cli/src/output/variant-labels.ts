/**
 * Table names of the evaluator's variant keys: `gm/<name>`, `pm/<name>` (masked) and
 * `pm/<name>/unmasked`. A strategy may name its variants (`Strategy.variantLabels`, e.g. FedLoGe's
 * 'GM universal (SSE-C)'); the others read `GM <name>` / `PM <name>`. PM rows always say whether
 * classes absent from the client's local test set were masked.
 */

const UNMASKED_SUFFIX = '/unmasked';

/** The label of one variant key, from the strategy's `labels` (keyed `gm/<name>`, `pm/<name>`). */
export function variantLabel(key: string, labels: Readonly<Record<string, string>> = {}): string {
  if (key.startsWith('gm/')) return labels[key] ?? `GM ${key.slice(3)}`;
  if (key.startsWith('pm/')) {
    const unmasked = key.endsWith(UNMASKED_SUFFIX);
    const base = unmasked ? key.slice(0, -UNMASKED_SUFFIX.length) : key;
    return `${labels[base] ?? `PM ${base.slice(3)}`}, ${unmasked ? 'unmasked' : 'masked'}`;
  }
  return labels[key] ?? key;
}

/** Every key of `keys` with its label, in the same order (for summary.json). */
export function variantLabels(keys: Iterable<string>, labels: Readonly<Record<string, string>> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of keys) out[key] = variantLabel(key, labels);
  return out;
}
