/**
 * Server-side optimiser buffers (FedAvgM momentum, FedAdam/FedYogi moments), one per aggregated
 * array and slot, stored under `<slot>/<array name>` so `stateDict()` is a plain ArrayRecord that
 * checkpoints like any model state.
 */
import { sizeOf, type ArrayRecord } from '../arrays.js';
import { AggregationError } from './errors.js';

export class ServerState {
  private readonly buffers = new Map<string, { shape: number[]; data: Float32Array }>();

  /**
   * @param owner aggregator name, quoted in errors.
   * @param slots the buffer kinds kept per array, e.g. `['m', 'v']`.
   */
  constructor(
    private readonly owner: string,
    readonly slots: readonly string[],
  ) {}

  /**
   * The `slot` buffer of array `key`, created filled with `initial` (default 0) with `shape` on
   * first use. Throws if the array was seen before with another shape.
   */
  buffer(slot: string, key: string, shape: readonly number[], round?: number, initial = 0): Float32Array {
    const name = `${slot}/${key}`;
    const existing = this.buffers.get(name);
    if (existing === undefined) {
      const created = { shape: [...shape], data: new Float32Array(sizeOf(shape)).fill(initial) };
      this.buffers.set(name, created);
      return created.data;
    }
    if (existing.shape.join('x') !== shape.join('x')) {
      throw new AggregationError(
        `${this.owner}${round === undefined ? '' : `, round ${round}`}: array '${key}' now has shape [${shape.join('x')}] ` +
          `but its server state '${name}' has shape [${existing.shape.join('x')}]; an aggregator's state follows one model, ` +
          'so build a new aggregator (or load a matching state) when the model changes',
        { round, tensor: key },
      );
    }
    return existing.data;
  }

  /** Copies of every buffer, keyed `<slot>/<array name>`. */
  toRecord(): ArrayRecord {
    const out: ArrayRecord = {};
    for (const [name, entry] of this.buffers) out[name] = { shape: [...entry.shape], data: entry.data.slice() };
    return out;
  }

  /** Replaces every buffer with copies of `state` (as produced by `toRecord`). */
  load(state: ArrayRecord): void {
    const loaded = new Map<string, { shape: number[]; data: Float32Array }>();
    for (const [name, entry] of Object.entries(state)) {
      const slash = name.indexOf('/');
      const slot = slash > 0 ? name.slice(0, slash) : '';
      if (!this.slots.includes(slot) || slash === name.length - 1) {
        throw new AggregationError(
          `${this.owner}: cannot load state entry '${name}'; expected '<slot>/<array name>' with slot one of ` +
            `${this.slots.map((s) => `'${s}'`).join(', ')} (was the checkpoint written by another aggregator?)`,
          { tensor: name },
        );
      }
      if (entry.data.length !== sizeOf(entry.shape)) {
        throw new AggregationError(
          `${this.owner}: state entry '${name}' has shape [${entry.shape.join('x')}] but holds ${entry.data.length} values`,
          { tensor: name },
        );
      }
      loaded.set(name, { shape: [...entry.shape], data: entry.data.slice() });
    }
    this.buffers.clear();
    for (const [name, entry] of loaded) this.buffers.set(name, entry);
  }
}
