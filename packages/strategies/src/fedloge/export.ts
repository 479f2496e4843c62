/**
 * Export a trained FedLoGe model with everything its three inference modes need (README of the
 * reference, docs/fedloge.md#gla-fr): the backbone, the SSE-C, the global head g_aux and its GA-FR
 * realignment, and every client's local head and LA-FR realignment. The realignments are computed
 * here, once, so loading needs no strategy. Format: model-format.ts; the same arrays also go to
 * model.safetensors, each group under its tensor-name prefix (SAFETENSORS_PREFIXES).
 */
import type * as tf from '@tensorflow/tfjs-core';
import { prefixRecord, unprefixRecord, writeModelSafetensors, type ArrayEntry, type ArrayRecord, type ModelBuilder } from '@fedloge/core';
import { BACKBONE_PREFIX } from '../fedavg.js';
import type { FedLoGe } from './fedloge.js';
import { GAUX_PREFIX, LOCAL_PREFIX } from './state-keys.js';
import { disposeHeads, globalRealign, headParams, localRealignAll } from './gla-fr.js';
import {
  FEDLOGE_MODEL_FORMAT,
  FEDLOGE_MODEL_VERSION,
  MODEL_GROUPS,
  writeGroup,
  writeManifest,
  type FedLoGeManifest,
  type GroupEntry,
  type ModelGroup,
} from './model-format.js';

/** What {@link exportFedLoGeModel} needs from a finished run. */
export interface FedLoGeExportInput {
  /** The run's strategy instance (its options, kernels and SSE-C). */
  readonly strategy: FedLoGe;
  /** The final global arrays (`backbone.*`, `gaux.*`). */
  readonly global: ArrayRecord;
  /**
   * Per client id 0..N−1, its state (`local.*`), or undefined for a client never selected — it gets
   * its deterministic initial local head, as the reference evaluates it.
   */
  readonly clientStates: readonly (ArrayRecord | undefined)[];
  readonly models: ModelBuilder;
  /** The backbone plugin the run used, so the loader can rebuild the architecture. */
  readonly backbone: { readonly name: string; readonly options?: unknown };
  /** The run's root seed (the SSE-C and the initial local heads derive from it). */
  readonly runSeed: number;
}

const NOTES: Record<ModelGroup, string> = {
  backbone: 'backbone state (parameters and BatchNorm running statistics), keys as the backbone module exports them',
  'sse-c': 'frozen SSE-C: weight [C, d] (sparse, zeros stored) and bias [C]; universal logits = f·weightᵀ + bias',
  'global-head': 'global auxiliary head g_aux: weight [C, d], bias [C]',
  'realigned-global-head': 'GA-FR: g_aux rows rescaled to norm realignNorm, bias kept; global logits = f·weightᵀ + bias',
  'local-heads': 'per client k: `${k}.weight` [C, d], `${k}.bias` [C]',
  'realigned-local-heads':
    "LA-FR per client k: `${k}.weight` = g_aux rows × local row norms; its bias is the global head's. " +
    'Personalized logits = (f·R_kᵀ + b_gaux) + (f·L_kᵀ + b_k)',
};

/** Tensor-name prefixes of the groups in model.safetensors (client k's local head: `local.<k>.weight`). */
export const SAFETENSORS_PREFIXES: Readonly<Record<ModelGroup, string>> = {
  backbone: BACKBONE_PREFIX,
  'sse-c': 'sse-c.',
  'global-head': GAUX_PREFIX,
  'realigned-global-head': 'realigned-gaux.',
  'local-heads': LOCAL_PREFIX,
  'realigned-local-heads': 'realigned-local.',
};

/** Write the model to `dir` (created if needed) and return its manifest. */
export async function exportFedLoGeModel(dir: string, input: FedLoGeExportInput): Promise<FedLoGeManifest> {
  const { strategy, global, clientStates, models } = input;
  const numClasses = models.numClasses;
  const featureDim = models.featureDim;
  if (clientStates.length === 0)
    throw new RangeError('exportFedLoGeModel: clientStates is empty; pass one entry (or undefined) per client');
  const { sseC } = strategy.sseCFor(input.runSeed, featureDim, numClasses);
  const gauxRecord = unprefixRecord(global, GAUX_PREFIX);
  const localHeads: ArrayRecord = {};
  clientStates.forEach((state, k) => {
    const local = unprefixRecord(state ?? strategy.initialLocalState(models, input.runSeed, k), LOCAL_PREFIX);
    if (!local['weight'] || !local['bias']) {
      throw new Error(`exportFedLoGeModel: client ${k}'s state has no 'local.weight'/'local.bias'; was it produced by fedloge?`);
    }
    Object.assign(localHeads, prefixRecord(local, `${k}.`));
  });

  const { realignedGlobal, realignedLocal } = realignHeads(strategy, gauxRecord, localHeads, clientStates.length);
  const records: Record<ModelGroup, ArrayRecord> = {
    backbone: unprefixRecord(global, BACKBONE_PREFIX),
    'sse-c': {
      weight: { shape: [numClasses, featureDim], data: sseC.weight },
      bias: { shape: [numClasses], data: sseC.bias },
    },
    'global-head': gauxRecord,
    'realigned-global-head': realignedGlobal,
    'local-heads': localHeads,
    'realigned-local-heads': realignedLocal,
  };
  const groups = {} as Record<ModelGroup, GroupEntry>;
  for (const group of MODEL_GROUPS) groups[group] = await writeGroup(dir, group, records[group]);

  const manifest: FedLoGeManifest = {
    format: FEDLOGE_MODEL_FORMAT,
    version: FEDLOGE_MODEL_VERSION,
    dtype: 'float32',
    byteOrder: 'little-endian',
    numClasses,
    featureDim,
    inputShape: [...models.inputShape] as [number, number, number],
    backbone: input.backbone,
    numClients: clientStates.length,
    realignNorm: strategy.resolvedOptions.realignNorm,
    sseC: { ...sseC.build, finalLoss: sseC.build.finalLoss.loss, geometry: sseC.geometry },
    notes: NOTES,
    groups,
  };
  await writeManifest(dir, manifest);
  await writeModelSafetensors(
    dir,
    manifest,
    MODEL_GROUPS.map((group) => ({ entry: groups[group], prefix: SAFETENSORS_PREFIXES[group], record: records[group] })),
    {
      strategy: 'fedloge',
      classes: String(numClasses),
      clients: String(clientStates.length),
      input_shape: models.inputShape.join('x'),
      backbone: input.backbone.name,
    },
  );
  return manifest;
}

/** GA-FR of g_aux and LA-FR of every local head, as plain arrays. */
function realignHeads(
  strategy: FedLoGe,
  gaux: ArrayRecord,
  localHeads: ArrayRecord,
  numClients: number,
): { realignedGlobal: ArrayRecord; realignedLocal: ArrayRecord } {
  const head = headParams(gaux, '');
  const locals = Array.from({ length: numClients }, (_, k) => headParams(localHeads, `${k}.`));
  const global = globalRealign(strategy.kernels, head, strategy.resolvedOptions.realignNorm);
  const realigned = localRealignAll(
    strategy.kernels,
    head,
    locals.map((l) => l.weight),
  );
  try {
    const realignedLocal: ArrayRecord = {};
    realigned.forEach((r, k) => {
      realignedLocal[`${k}.weight`] = toEntry(r.weight);
    });
    return {
      realignedGlobal: {
        weight: toEntry(global.weight),
        bias: toEntry(global.bias),
      },
      realignedLocal,
    };
  } finally {
    disposeHeads(head, global, ...locals, ...realigned);
  }
}

/** A tensor's values as an owned array entry (a copy: backends may reuse their buffers). */
function toEntry(t: tf.Tensor): ArrayEntry {
  return { shape: [...t.shape], data: new Float32Array(t.dataSync()) };
}
