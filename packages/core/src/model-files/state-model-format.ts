/**
 * The generic model export, for every strategy: the run's final global arrays and every client's
 * persistent state (its personal part), with the plugin choices and run facts needed to rebuild the
 * strategy and call its own GM/PM predictors on them. Loading it therefore needs the strategy's
 * plugin (built in, or the run's `plugins:` modules), not the run.
 *
 *   model/
 *     manifest.json        format 'fedloge-state-model', plugins, run facts, variant names
 *     global.f32           the global arrays, keys as the strategy names them
 *     client-states.f32    client k's state entries under `${k}/<key>` (clients with a state only)
 */
import type { ModelSpec, PluginRef } from '../simulation/plugin-model-builder.js';
import type { TrainConfig } from '../strategy.js';
import type { GroupEntry } from './array-groups.js';

export const STATE_MODEL_FORMAT = 'fedloge-state-model';
export const STATE_MODEL_VERSION = 1;
/** The manifest's file name in a model folder (shared by every export format). */
export const MODEL_MANIFEST_FILE = 'manifest.json';

/** The array groups of a state export, one binary file each. */
export const STATE_MODEL_GROUPS = ['global', 'client-states'] as const;
export type StateModelGroup = (typeof STATE_MODEL_GROUPS)[number];

/** The key of client `clientId`'s state entry `key` in the `client-states` group. */
export function clientStateKey(clientId: number, key: string): string {
  return `${clientId}/${key}`;
}

/** manifest.json of a state export. */
export interface StateModelManifest {
  readonly format: typeof STATE_MODEL_FORMAT;
  readonly version: typeof STATE_MODEL_VERSION;
  readonly dtype: 'float32';
  readonly byteOrder: 'little-endian';
  /** The strategy plugin and its options, as the run resolved them. */
  readonly strategy: PluginRef;
  /** The aggregator plugin (strategies are built with one; prediction does not use it). */
  readonly aggregator: PluginRef;
  /** The architecture: backbone plugin and default head type. */
  readonly model: ModelSpec;
  /** Input image shape [h, w, c] (NHWC batches). */
  readonly inputShape: readonly [number, number, number];
  readonly numClasses: number;
  readonly numClients: number;
  /** The run's root seed: the predictors' random streams derive from it as in the run's evaluation. */
  readonly seed: number;
  /** The round after which the global arrays were taken (its evaluation streams are reused). */
  readonly round: number;
  /** Local SGD settings (for strategies that fine-tune before predicting, e.g. FedBABU). */
  readonly train: TrainConfig;
  /** Whether the run used train-time augmentation (for such fine-tuning). */
  readonly augment: boolean;
  /** Per client: n_k and its training-label histogram (the predictors' ServerContext). */
  readonly clientSizes: readonly number[];
  readonly clientClassCounts: readonly (readonly number[])[];
  /** Client ids that hold a state (the others never trained, or the strategy keeps none). */
  readonly clientsWithState: readonly number[];
  /** Prediction variant names, headline first, when the run evaluated them. */
  readonly variants?: { readonly global: readonly string[]; readonly personal: readonly string[] };
  /** What each group holds, in words, so the folder explains itself. */
  readonly notes: Readonly<Record<StateModelGroup, string>>;
  readonly groups: Readonly<Record<StateModelGroup, GroupEntry>>;
}
