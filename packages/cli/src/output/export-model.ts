/**
 * After a run: keep the trained model. A strategy with its own `exportModel` hook writes its own
 * format (FedLoGe: its three inference modes); every other strategy gets the generic state export
 * (the global arrays and each client's personal state, `exportStateModel`), which `fedloge predict`
 * loads by rebuilding the strategy and calling its own GM/PM predictors.
 */
import {
  exportStateModel,
  STATE_MODEL_FORMAT,
  STATE_MODEL_VERSION,
  type ClientStateStore,
  type Logger,
  type ModelBuilder,
  type ModelExportInfo,
  type RunResult,
  type Strategy,
} from '@fedloge/core';
import type { RunConfig } from '../config/schema.js';

/** What summary.json records about an exported model. */
export interface ExportedModel extends ModelExportInfo {
  /** Absolute path of the model folder. */
  readonly dir: string;
}

export interface ExportRunModelInput {
  readonly strategy: Strategy;
  /** The run's result: its final global arrays, last round and evaluated variant names. */
  readonly result: Pick<RunResult, 'global' | 'final'>;
  /** The simulation's per-client states after the last round. */
  readonly clientStates: ClientStateStore;
  /** Per client: n_k and its training-label histogram. */
  readonly clientSizes: readonly number[];
  readonly clientClassCounts: readonly (readonly number[])[];
  /** Whether the run trained with augmentation (for strategies that fine-tune before predicting). */
  readonly augment: boolean;
  readonly models: ModelBuilder;
  readonly config: RunConfig;
  readonly logger: Logger;
}

/** Export into `dir`, in the strategy's own format when it has one, else the generic state export. */
export async function exportRunModel(dir: string, input: ExportRunModelInput): Promise<ExportedModel> {
  const { strategy, config, result } = input;
  const clientStates = input.clientSizes.map((_, k) => input.clientStates.get(k));
  try {
    if (strategy.exportModel) {
      const info = await strategy.exportModel(dir, {
        global: result.global,
        clientStates,
        models: input.models,
        backbone: config.model,
        seed: config.seed,
        logger: input.logger,
      });
      return { dir, ...info };
    }
    const { files } = await exportStateModel(dir, {
      strategy: config.strategy,
      aggregator: config.aggregator,
      model: { backbone: config.model },
      inputShape: input.models.inputShape,
      numClasses: input.models.numClasses,
      seed: config.seed,
      round: result.final.round,
      train: config.train,
      augment: input.augment,
      clientSizes: input.clientSizes,
      clientClassCounts: input.clientClassCounts,
      global: result.global,
      clientStates,
      variantKeys: Object.keys(result.final.variants),
    });
    return { dir, format: STATE_MODEL_FORMAT, version: STATE_MODEL_VERSION, files };
  } catch (e) {
    throw new Error(`Strategy '${strategy.name}' could not export its model to ${dir}: ${(e as Error).message}`, { cause: e });
  }
}
