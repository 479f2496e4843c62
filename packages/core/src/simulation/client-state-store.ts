/**
 * Per-client state that persists across rounds (a personal head, FedBN's BN layers, …), kept by
 * the framework rather than the strategy so that client training stays a pure function of its
 * context and checkpoints capture everything.
 */
import type { ArrayRecord } from '../arrays.js';

/** Separates the client id from the state key in exported records: `17/head.weight`. */
const SEPARATOR = '/';

export class ClientStateStore {
  private readonly states = new Map<number, ArrayRecord>();

  /** The client's state, or undefined before its first update. */
  get(clientId: number): ArrayRecord | undefined {
    return this.states.get(clientId);
  }

  set(clientId: number, state: ArrayRecord): void {
    this.states.set(clientId, state);
  }

  has(clientId: number): boolean {
    return this.states.has(clientId);
  }

  /** Ids of the clients holding state, ascending. */
  clientIds(): number[] {
    return [...this.states.keys()].sort((a, b) => a - b);
  }

  /** Every client's state as one flat record (`<clientId>/<key>`), for a checkpoint file. Shares arrays. */
  exportState(): ArrayRecord {
    const out: ArrayRecord = {};
    for (const id of this.clientIds()) {
      for (const [key, entry] of Object.entries(this.states.get(id)!)) out[`${id}${SEPARATOR}${key}`] = entry;
    }
    return out;
  }

  /** Replace all states with those of an `exportState` record. */
  importState(record: ArrayRecord): void {
    this.states.clear();
    for (const [flatKey, entry] of Object.entries(record)) {
      const cut = flatKey.indexOf(SEPARATOR);
      const id = Number(flatKey.slice(0, cut));
      if (cut <= 0 || !Number.isInteger(id) || id < 0) {
        throw new Error(`ClientStateStore.importState: key '${flatKey}' is not of the form '<clientId>/<key>'`);
      }
      const state = this.states.get(id) ?? {};
      state[flatKey.slice(cut + 1)] = entry;
      this.states.set(id, state);
    }
  }
}
