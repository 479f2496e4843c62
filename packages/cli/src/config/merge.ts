/**
 * Merging config sources. Precedence: defaults (the zod schema) < config file < flags. Each source
 * is a *layer* of raw values; layers merge key by key (objects recursively, scalars and arrays
 * replaced) with three rules that keep the result meaningful:
 *  - `plugins` accumulate: a `--plugin` flag adds to the file's list rather than replacing it;
 *  - `clients.perRound` and `clients.fraction` exclude each other: a layer that sets one removes
 *    the other from the layers below it;
 *  - a layer that renames a plugin (`strategy`, `aggregator`, `model`) drops the options given for
 *    the old name below it, since they belong to another plugin's schema.
 */
import type { OriginOf } from './validate.js';

/** Raw config values from one source, and how to name that source in messages. */
export interface ConfigLayer {
  readonly values: Readonly<Record<string, unknown>>;
  /** Where the value at `path` came from, e.g. `--rounds` or `examples/fedavg.yaml`. */
  describe(path: readonly string[]): string;
}

type Plain = Record<string, unknown>;

const EXCLUSIVE: readonly (readonly [string, string, string])[] = [['clients', 'perRound', 'fraction']];
const PLUGIN_SECTIONS = ['strategy', 'aggregator', 'model'] as const;
const ACCUMULATED = new Set(['plugins']);

function isPlain(x: unknown): x is Plain {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Merge layers, lowest precedence first. Inputs are not modified. */
export function mergeLayers(layers: readonly ConfigLayer[]): Plain {
  let merged: Plain = {};
  for (const layer of layers) merged = mergeTwo(merged, layer.values);
  return merged;
}

function mergeTwo(lower: Plain, upper: Readonly<Plain>): Plain {
  const out: Plain = deepMerge(lower, upper);
  for (const [section, a, b] of EXCLUSIVE) {
    const up = upper[section];
    if (!isPlain(up) || !isPlain(out[section])) continue;
    const s = { ...(out[section] as Plain) };
    if (up[a] !== undefined && up[b] === undefined) delete s[b];
    if (up[b] !== undefined && up[a] === undefined) delete s[a];
    out[section] = s;
  }
  for (const section of PLUGIN_SECTIONS) {
    const up = upper[section];
    const low = lower[section];
    if (!isPlain(up) || !isPlain(low) || up['name'] === undefined || up['name'] === low['name']) continue;
    out[section] = { ...(out[section] as Plain), options: up['options'] ?? {} };
  }
  for (const key of ACCUMULATED) {
    const low = lower[key];
    const up = upper[key];
    if (Array.isArray(low) && Array.isArray(up)) out[key] = [...new Set([...low, ...up])];
  }
  return out;
}

function deepMerge(lower: Readonly<Plain>, upper: Readonly<Plain>): Plain {
  const out: Plain = { ...lower };
  for (const [k, v] of Object.entries(upper)) {
    if (v === undefined) continue;
    out[k] = isPlain(v) && isPlain(out[k]) ? deepMerge(out[k] as Plain, v) : v;
  }
  return out;
}

/** For messages: the highest layer that sets `path` names the value's origin. */
export function originIn(layers: readonly ConfigLayer[]): OriginOf {
  return (path) => {
    const keys = path.map(String);
    for (let i = layers.length - 1; i >= 0; i--) {
      if (hasPath(layers[i]!.values, keys)) return layers[i]!.describe(keys);
    }
    return undefined;
  };
}

function hasPath(values: unknown, path: readonly string[]): boolean {
  let v: unknown = values;
  for (const k of path) {
    if (!isPlain(v) || !(k in v)) return false;
    v = v[k];
  }
  return v !== undefined;
}
