/**
 * Write the generic model export (state-model-format.ts) of a finished run: what every strategy
 * has, its global arrays and its clients' states, plus what rebuilding its predictors needs; the
 * arrays also go to model.safetensors (model-safetensors.ts).
 */
import type { ArrayRecord } from '../arrays.js';
import type { ModelSpec, PluginRef } from '../simulation/plugin-model-builder.js';
import type { TrainConfig } from '../strategy.js';
import { writeArrayGroup, writeJsonManifest } from './array-groups.js';
import { writeModelSafetensors } from './model-safetensors.js';
import {
  MODEL_MANIFEST_FILE,
  STATE_MODEL_FORMAT,
  STATE_MODEL_VERSION,
  clientStateKey,
  type StateModelGroup,
  type StateModelManifest,
} from './state-model-format.js';

/** What {@link exportStateModel} needs from a finished run. */
export interface StateModelExportInput {
  readonly strategy: PluginRef;
  readonly aggregator: PluginRef;
  readonly model: ModelSpec;
  readonly inputShape: readonly [number, number, number];
  readonly numClasses: number;
  readonly seed: number;
  readonly round: number;
  readonly train: TrainConfig;
  readonly augment: boolean;
  readonly clientSizes: readonly number[];
  readonly clientClassCounts: readonly (readonly number[])[];
  /** The final global arrays. */
  readonly global: ArrayRecord;
  /** Per client id 0..N−1, its state, or undefined for a client without one. */
  readonly clientStates: readonly (ArrayRecord | undefined)[];
  /** Variant names from the run's evaluation (`gm/<name>`, `pm/<name>` keys), headline first. */
  readonly variantKeys?: readonly string[];
}

const NOTES: Record<StateModelGroup, string> = {
  global: "the final global arrays, keys as the strategy names them (e.g. 'backbone.*', 'head.*')",
  'client-states': "client k's persistent state (its personal part) under '<k>/<key>'; clients without a state are absent",
};

/** Write the export to `dir` (created if needed); returns its manifest and the files written. */
export async function exportStateModel(
  dir: string,
  input: StateModelExportInput,
): Promise<{ manifest: StateModelManifest; files: string[] }> {
  const numClients = input.clientSizes.length;
  if (input.clientStates.length !== numClients) {
    throw new RangeError(
      `exportStateModel: ${input.clientStates.length} client states for ${numClients} clients; pass one entry (or undefined) per client`,
    );
  }
  const states: ArrayRecord = {};
  const clientsWithState: number[] = [];
  input.clientStates.forEach((state, k) => {
    if (!state) return;
    clientsWithState.push(k);
    for (const [key, entry] of Object.entries(state)) states[clientStateKey(k, key)] = entry;
  });
  const groups: Record<StateModelGroup, Awaited<ReturnType<typeof writeArrayGroup>>> = {
    global: await writeArrayGroup(dir, 'global', input.global),
    'client-states': await writeArrayGroup(dir, 'client-states', states),
  };
  const variants = input.variantKeys ? variantNames(input.variantKeys) : undefined;
  const manifest: StateModelManifest = {
    format: STATE_MODEL_FORMAT,
    version: STATE_MODEL_VERSION,
    dtype: 'float32',
    byteOrder: 'little-endian',
    strategy: input.strategy,
    aggregator: input.aggregator,
    model: input.model,
    inputShape: [...input.inputShape] as [number, number, number],
    numClasses: input.numClasses,
    numClients,
    seed: input.seed,
    round: input.round,
    train: input.train,
    augment: input.augment,
    clientSizes: input.clientSizes,
    clientClassCounts: input.clientClassCounts,
    clientsWithState,
    ...(variants ? { variants } : {}),
    notes: NOTES,
    groups,
  };
  await writeJsonManifest(dir, MODEL_MANIFEST_FILE, manifest);
  // The same arrays for other tools: global keys as they are, client k's under `clients.<k>.<key>`.
  const safetensors = await writeModelSafetensors(
    dir,
    manifest,
    [
      { entry: groups.global, prefix: '', record: input.global },
      { entry: groups['client-states'], prefix: 'clients.', record: states },
    ],
    {
      strategy: input.strategy.name,
      classes: String(input.numClasses),
      clients: String(numClients),
      input_shape: input.inputShape.join('x'),
    },
  );
  return { manifest, files: [MODEL_MANIFEST_FILE, groups.global.file, groups['client-states'].file, safetensors] };
}

/** GM and PM variant names from evaluator keys (`gm/x`, `pm/x`, `pm/x/unmasked`), in order. */
function variantNames(keys: readonly string[]): { global: string[]; personal: string[] } {
  const global: string[] = [];
  const personal: string[] = [];
  for (const key of keys) {
    const [kind, name, extra] = key.split('/');
    if (name === undefined || extra !== undefined) continue;
    if (kind === 'gm') global.push(name);
    if (kind === 'pm') personal.push(name);
  }
  return { global, personal };
}
