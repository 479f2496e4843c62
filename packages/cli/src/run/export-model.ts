/**
 * After a run: hand the trained model to the strategy's `exportModel` hook, when it has one, so
 * the CLI keeps models without knowing any strategy's format (FedLoGe writes all three of its
 * inference modes; `fedloge predict` reads them back).
 */
import type { ArrayRecord, ClientStateStore, Logger, ModelBuilder, ModelExportInfo, Strategy } from '@fedloge/core';
import type { RunConfig } from '../config/schema.js';

/** What summary.json records about an exported model. */
export interface ExportedModel extends ModelExportInfo {
  /** Absolute path of the model folder. */
  readonly dir: string;
}

export interface ExportRunModelInput {
  readonly strategy: Strategy;
  /** The final global arrays. */
  readonly global: ArrayRecord;
  /** The simulation's per-client states after the last round. */
  readonly clientStates: ClientStateStore;
  readonly numClients: number;
  readonly models: ModelBuilder;
  readonly config: RunConfig;
  readonly logger: Logger;
}

/** Export into `dir`; undefined (nothing written) when the strategy has no `exportModel`. */
export async function exportRunModel(dir: string, input: ExportRunModelInput): Promise<ExportedModel | undefined> {
  const { strategy } = input;
  if (!strategy.exportModel) return undefined;
  const clientStates = Array.from({ length: input.numClients }, (_, k) => input.clientStates.get(k));
  try {
    const info = await strategy.exportModel(dir, {
      global: input.global,
      clientStates,
      models: input.models,
      backbone: input.config.model,
      seed: input.config.seed,
      logger: input.logger,
    });
    return { dir, ...info };
  } catch (e) {
    throw new Error(`Strategy '${strategy.name}' could not export its model to ${dir}: ${(e as Error).message}`, { cause: e });
  }
}
