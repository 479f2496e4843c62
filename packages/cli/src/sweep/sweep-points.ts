/**
 * The points of a sweep: the cartesian product of its axes' values, first axis slowest. Each point
 * has a label for tables and progress ("lr=0.03, etfNorm=1") and a folder name for its runs.
 */
import type { SweepAxis } from './sweep-flags.js';

export interface SweepPoint {
  /** [key, value] per axis, in axis order. */
  readonly values: readonly (readonly [string, unknown])[];
  /** e.g. `lr=0.03, etfNorm=1` (the key's last part, or the whole key where two axes share it). */
  readonly label: string;
  /** e.g. `lr=0.03_etfNorm=1`. */
  readonly folder: string;
}

export function sweepPoints(axes: readonly SweepAxis[]): SweepPoint[] {
  const names = axes.map((a) => shortName(a.key, axes));
  let combos: (readonly [string, unknown])[][] = [[]];
  for (const axis of axes) combos = combos.flatMap((c) => axis.values.map((v) => [...c, [axis.key, v] as const]));
  return combos.map((values) => {
    const parts = values.map(([, v], i) => `${names[i]}=${String(v)}`);
    return { values, label: parts.join(', '), folder: folderName(parts.join('_')) };
  });
}

/** A plain file name: '=' kept (it names the values), every other unsafe character `_`. */
function folderName(text: string): string {
  const safe = text.replace(/[^A-Za-z0-9._=+-]/g, '_');
  return safe === '.' || safe === '..' ? `_${safe}` : safe;
}

function shortName(key: string, axes: readonly SweepAxis[]): string {
  const last = (k: string) => k.slice(k.lastIndexOf('.') + 1);
  return axes.filter((a) => last(a.key) === last(key)).length > 1 ? key : last(key);
}

/** `{a: {b: value}}` for key `a.b`, merged into `target` (a copy of each object on the path). */
export function withValue(target: Readonly<Record<string, unknown>>, key: string, value: unknown): Record<string, unknown> {
  const [head, ...tail] = key.split('.');
  const inner = target[head!];
  const child = inner !== null && typeof inner === 'object' && !Array.isArray(inner) ? (inner as Record<string, unknown>) : {};
  return { ...target, [head!]: tail.length === 0 ? value : withValue(child, tail.join('.'), value) };
}
