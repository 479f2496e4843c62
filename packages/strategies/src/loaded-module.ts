/**
 * Modules rebuilt from stored arrays (a global model, a client's head, an exported backbone): built
 * with throwaway initial weights and loaded at once. `loadState` overwrites every entry, so the
 * initial weights come from one fixed stream whatever the module; a state that does not fit frees
 * what was built before the error propagates.
 */
import type { ArrayRecord } from '@fedloge/core';
import { Rng } from '@fedloge/core/data';

/** The stream of initial weights that `loadState` overwrites at once. */
export function overwrittenInit(): Rng {
  return new Rng(0, 'overwritten-init');
}

/** `built` after `load(built)`; when loading throws, `dispose(built)` and rethrow. */
export function loadOrDispose<T>(built: T, load: (value: T) => void, dispose: (value: T) => void): T {
  try {
    load(built);
  } catch (e) {
    dispose(built);
    throw e;
  }
  return built;
}

/** A module from `create` (fed the throwaway stream) holding `state`. */
export function loadedModule<M extends { loadState(state: ArrayRecord): void; dispose(): void }>(
  create: (rng: Rng) => M,
  state: ArrayRecord,
): M {
  return loadOrDispose(
    create(overwrittenInit()),
    (module) => module.loadState(state),
    (module) => module.dispose(),
  );
}
