/**
 * ArrayRecord: a model state (or any set of named arrays) as plain typed arrays.
 *
 * This is what crosses the client/server boundary, what aggregators average, what the client
 * state store keeps and what checkpoints hold. It carries no tensors, so it can be sent to a
 * worker thread or written to disk and never leaks GPU/wasm memory.
 */

/** One named array. `data.length` equals the product of `shape`. */
export interface ArrayEntry {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** Named arrays, e.g. `{ 'backbone.conv1.weight': {...}, 'head.bias': {...} }`. */
export type ArrayRecord = Record<string, ArrayEntry>;

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

/** Deep copy. */
export function cloneRecord(r: ArrayRecord): ArrayRecord {
  const out: ArrayRecord = {};
  for (const [k, v] of Object.entries(r)) out[k] = { shape: [...v.shape], data: v.data.slice() };
  return out;
}

/** Entries renamed by prefix: `prefixRecord(r, 'head.')` turns `weight` into `head.weight`. */
export function prefixRecord(r: ArrayRecord, prefix: string): ArrayRecord {
  const out: ArrayRecord = {};
  for (const [k, v] of Object.entries(r)) out[prefix + k] = v;
  return out;
}

/** Entries under `prefix`, with the prefix removed. */
export function unprefixRecord(r: ArrayRecord, prefix: string): ArrayRecord {
  const out: ArrayRecord = {};
  for (const [k, v] of Object.entries(r)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
  return out;
}

/** Throws a precise error unless `a` and `b` have the same keys and shapes. */
export function assertSameLayout(a: ArrayRecord, b: ArrayRecord, what: string): void {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  const missing = ka.filter((k) => !(k in b));
  const extra = kb.filter((k) => !(k in a));
  if (missing.length || extra.length) {
    throw new Error(
      `${what}: array keys differ (missing: [${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}], ` +
        `unexpected: [${extra.slice(0, 5).join(', ')}${extra.length > 5 ? ', …' : ''}])`,
    );
  }
  for (const k of ka) {
    const sa = a[k]!.shape.join('x');
    const sb = b[k]!.shape.join('x');
    if (sa !== sb) throw new Error(`${what}: array '${k}' has shape [${sb}] but [${sa}] was expected`);
  }
}
