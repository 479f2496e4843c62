/**
 * The model of a run folder, whatever its format, as `predict` uses it: a FedLoGe export (its three
 * inference modes) or the generic state export of any other strategy (its global and personalized
 * models, each with the strategy's prediction variants).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { DependencyContainer } from 'tsyringe';
import { loadStateModel, type ClientData, type Logger, type StateModel, type VariantPredictor } from '@fedloge/core';
import { loadFedLoGeModel, type FedLoGeModel, type KernelChoice, type PredictMode } from '@fedloge/strategies';
import { UsageError } from '../config/errors.js';
import type { RunModelFormat } from './run-folder.js';

/** Predicted classes of a batch, in one mode. */
export interface Classifier {
  classify(x: tf.Tensor4D): Int32Array;
  dispose(): void;
}

export interface RunModel {
  readonly numClients: number;
  readonly numClasses: number;
  readonly inputShape: readonly [number, number, number];
  /** The mode used when --mode is not given. */
  readonly defaultMode: PredictMode;
  /** What `mode` computes (for client `client`, variant `variant`), in words. */
  describe(mode: PredictMode, client?: number, variant?: string): string;
  /** A classifier for `mode`; checks the mode, client and variant first. The caller disposes it. */
  classifier(mode: PredictMode, client: number | undefined, variant: string | undefined): Promise<Classifier>;
  dispose(): void;
}

export interface OpenRunModelOptions {
  readonly container: DependencyContainer;
  readonly logger: Logger;
  /** SSE-C kernels of a FedLoGe model. */
  readonly kernels: KernelChoice | undefined;
  /** Client k's training data (strategies that fine-tune before predicting). */
  readonly clientData: (clientId: number) => ClientData;
}

/** Load the model in `dir`, of `format`. */
export async function openRunModel(dir: string, format: RunModelFormat, options: OpenRunModelOptions): Promise<RunModel> {
  if (format === 'fedloge-model') {
    return new FedLoGeRunModel(
      await loadFedLoGeModel(dir, { container: options.container, ...(options.kernels ? { kernels: options.kernels } : {}) }),
    );
  }
  return new StateRunModel(
    await loadStateModel(dir, { container: options.container, logger: options.logger, clientData: options.clientData }),
  );
}

/** What a FedLoGe mode computes (client `k` when given), for the printed result and the help. */
export function modeFormula(mode: PredictMode, client?: number): string {
  const k = client === undefined ? 'k' : String(client);
  switch (mode) {
    case 'universal':
      return 'SSE-C(f), f = backbone(x)';
    case 'global':
      return 'GA-FR head(f): g_aux with its rows rescaled to norm τ';
    case 'personalized':
      return `R_${k}(f) + L_${k}(f): LA-FR head + local head of client ${k}`;
  }
}

class FedLoGeRunModel implements RunModel {
  readonly defaultMode: PredictMode = 'universal';
  constructor(private readonly model: FedLoGeModel) {}

  get numClients(): number {
    return this.model.numClients;
  }
  get numClasses(): number {
    return this.model.numClasses;
  }
  get inputShape(): readonly [number, number, number] {
    return this.model.manifest.inputShape;
  }

  describe(mode: PredictMode, client?: number): string {
    return modeFormula(mode, client);
  }

  classifier(mode: PredictMode, client: number | undefined, variant: string | undefined): Promise<Classifier> {
    if (variant !== undefined) {
      throw new UsageError(
        '--variant applies to models of strategies other than fedloge; a FedLoGe model chooses with --mode (universal, global, personalized).',
      );
    }
    const options = { mode, ...(client !== undefined ? { clientId: client } : {}) };
    return Promise.resolve({ classify: (x) => this.model.classify(x, options), dispose: () => {} });
  }

  dispose(): void {
    this.model.dispose();
  }
}

class StateRunModel implements RunModel {
  readonly defaultMode: PredictMode = 'global';
  constructor(private readonly model: StateModel) {}

  get numClients(): number {
    return this.model.numClients;
  }
  get numClasses(): number {
    return this.model.numClasses;
  }
  get inputShape(): readonly [number, number, number] {
    return this.model.manifest.inputShape;
  }

  describe(mode: PredictMode, client?: number, variant?: string): string {
    const strategy = this.model.manifest.strategy.name;
    const which = mode === 'personalized' ? `client ${client ?? 'k'}'s personalized model (PM)` : 'the global model (GM)';
    const name = variant ?? this.knownVariants(mode)?.[0];
    return `${strategy}: ${which}${name === undefined ? '' : `, variant '${name}'`}`;
  }

  async classifier(mode: PredictMode, client: number | undefined, variant: string | undefined): Promise<Classifier> {
    const strategy = this.model.manifest.strategy.name;
    if (mode === 'universal') {
      throw new UsageError(
        `--mode universal is FedLoGe's SSE-C model; a '${strategy}' model predicts with --mode global or --mode personalized --client <k>.`,
      );
    }
    const known = this.knownVariants(mode);
    if (variant !== undefined && known !== undefined && !known.includes(variant)) {
      throw new UsageError(`--variant '${variant}' is not one of ${strategy}'s ${mode} variants: ${known.join(', ')}.`);
    }
    const predictor = await this.model.predictor(mode === 'personalized' ? 'personalized' : 'global', client);
    return { classify: (x) => classifyVariant(predictor, x, variant, `${strategy}'s ${mode} model`), dispose: () => predictor.dispose() };
  }

  dispose(): void {}

  /** The variant names the run evaluated for `mode`, headline first (PM without its own predictor: the GM's). */
  private knownVariants(mode: PredictMode): readonly string[] | undefined {
    const v = this.model.manifest.variants;
    return mode === 'personalized' ? v?.personal : v?.global;
  }
}

/** Argmax of the chosen variant's logits (the first, the headline, by default). */
function classifyVariant(predictor: VariantPredictor, x: tf.Tensor4D, variant: string | undefined, what: string): Int32Array {
  const logits = predictor.logits(x);
  try {
    const names = Object.keys(logits);
    const name = variant ?? names[0];
    const chosen = name === undefined ? undefined : logits[name];
    if (!chosen) throw new UsageError(`--variant '${String(name)}': ${what} has the variants ${names.join(', ')}.`);
    const classes = tf.argMax(chosen, 1);
    try {
      return new Int32Array(classes.dataSync());
    } finally {
      classes.dispose();
    }
  } finally {
    for (const t of Object.values(logits)) t.dispose();
  }
}
