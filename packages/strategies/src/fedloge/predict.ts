/**
 * Inference with an exported FedLoGe model, in the three modes of the reference README:
 *
 * - `universal`:    SSE_C(backbone(x)) — the step-1 generic model, for any label distribution;
 * - `global`:       realignedGlobalHead(backbone(x)) — GA-FR, for the long-tailed global distribution;
 * - `personalized`: R_k(f) + L_k(f) with f = backbone(x) — LA-FR for client k (the README's
 *                   "global_head[k]" is the local head, docs/fedloge.md#naming).
 *
 * No class masking is applied: masking needs the client's local label set, which is the caller's
 * knowledge (the framework's evaluator applies it during training runs).
 */
import 'reflect-metadata';
import * as tf from '@tensorflow/tfjs-core';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import { getModelPlugin, parsePluginOptions, registerCorePlugins, type ArrayRecord, type Backbone } from '@fedloge/core';
import { loadOrDispose, loadedModule } from '../loaded-module.js';
import { SparseEtf, selectKernels, type EtfKernels, type KernelChoice } from '../native-ops/index.js';
import { disposeHeads, linearLogits, type LinearParams } from './gla-fr.js';
import { readGroup, readManifest, type FedLoGeManifest } from './model-format.js';

/** The three inference modes. */
export type PredictMode = 'universal' | 'global' | 'personalized';
export const PREDICT_MODES: readonly PredictMode[] = ['universal', 'global', 'personalized'];

export interface PredictOptions {
  readonly mode: PredictMode;
  /** Required for `personalized`: which client's heads (0 ≤ clientId < numClients). */
  readonly clientId?: number;
}

export interface LoadFedLoGeModelOptions {
  /** A container with the backbone's model plugin registered. @default one with the core plugins */
  readonly container?: DependencyContainer;
  /** Head kernels for the SSE-C projection. @default 'native' (falls back to 'tfjs') */
  readonly kernels?: KernelChoice;
}

/** A loaded model. Holds tensors: call {@link FedLoGeModel.dispose} when done. */
export class FedLoGeModel {
  private constructor(
    readonly manifest: FedLoGeManifest,
    private readonly backbone: Backbone,
    private readonly kernels: EtfKernels,
    private readonly sseC: SparseEtf,
    private readonly realignedGlobal: LinearParams,
    private readonly localHeads: ArrayRecord,
    private readonly realignedLocal: ArrayRecord,
  ) {}

  /** Load the export in `dir` (see exportFedLoGeModel). */
  static async load(dir: string, options: LoadFedLoGeModelOptions = {}): Promise<FedLoGeModel> {
    const manifest = await readManifest(dir);
    const [backboneState, sse, realigned, localHeads, realignedLocal] = await Promise.all([
      readGroup(dir, manifest.groups.backbone),
      readGroup(dir, manifest.groups['sse-c']),
      readGroup(dir, manifest.groups['realigned-global-head']),
      readGroup(dir, manifest.groups['local-heads']),
      readGroup(dir, manifest.groups['realigned-local-heads']),
    ]);
    const container = options.container ?? coreContainer();
    const plugin = getModelPlugin(container, manifest.backbone.name);
    const backboneOptions = parsePluginOptions(plugin, manifest.backbone.options);
    const backbone = loadOrDispose(
      loadedModule((rng) => plugin.create({ inputShape: manifest.inputShape, rng }, backboneOptions), backboneState),
      (b) => {
        if (b.featureDim !== manifest.featureDim) {
          throw new Error(
            `${dir}: backbone '${manifest.backbone.name}' gives ${b.featureDim}-d features but the manifest says ${manifest.featureDim}`,
          );
        }
      },
      (b) => b.dispose(),
    );
    const C = manifest.numClasses;
    const d = manifest.featureDim;
    return new FedLoGeModel(
      manifest,
      backbone,
      selectKernels(options.kernels ?? 'native'),
      SparseEtf.fromDense(sse['weight']!.data, d, sse['bias']!.data),
      { weight: tf.tensor2d(realigned['weight']!.data, [C, d]), bias: tf.tensor1d(realigned['bias']!.data) },
      localHeads,
      realignedLocal,
    );
  }

  get numClasses(): number {
    return this.manifest.numClasses;
  }

  get numClients(): number {
    return this.manifest.numClients;
  }

  /** `[batch, d]` backbone features (eval mode: BatchNorm running statistics). */
  features(x: tf.Tensor4D): tf.Tensor2D {
    return this.backbone.apply(x, 'eval');
  }

  /** `[batch, C]` logits of `x` (NHWC, normalised as in training) in the chosen mode. */
  predict(x: tf.Tensor4D, options: PredictOptions): tf.Tensor2D {
    if (!PREDICT_MODES.includes(options.mode)) {
      throw new RangeError(`predict: unknown mode '${String(options.mode)}'; expected one of ${PREDICT_MODES.join(', ')}`);
    }
    const clientId = options.mode === 'personalized' ? this.checkClient(options.clientId) : -1;
    return tf.tidy(() => {
      const f = this.features(x);
      switch (options.mode) {
        case 'universal':
          return this.kernels.projectEtf(f, this.sseC);
        case 'global':
          return linearLogits(f, this.realignedGlobal);
        case 'personalized': {
          const C = this.numClasses;
          const d = this.manifest.featureDim;
          const local = {
            weight: tf.tensor2d(this.localHeads[`${clientId}.weight`]!.data, [C, d]),
            bias: tf.tensor1d(this.localHeads[`${clientId}.bias`]!.data),
          };
          // R_k's bias is the global head's, which GA-FR keeps unchanged.
          const realigned = {
            weight: tf.tensor2d(this.realignedLocal[`${clientId}.weight`]!.data, [C, d]),
            bias: this.realignedGlobal.bias,
          };
          return tf.add(linearLogits(f, realigned), linearLogits(f, local)) as tf.Tensor2D;
        }
      }
    });
  }

  /** Argmax class per example, as plain numbers. */
  classify(x: tf.Tensor4D, options: PredictOptions): Int32Array {
    const classes = tf.tidy(() => tf.argMax(this.predict(x, options), 1));
    try {
      return new Int32Array(classes.dataSync());
    } finally {
      classes.dispose();
    }
  }

  dispose(): void {
    this.backbone.dispose();
    this.sseC.dispose();
    disposeHeads(this.realignedGlobal);
  }

  private checkClient(clientId: number | undefined): number {
    if (clientId === undefined || !Number.isInteger(clientId) || clientId < 0 || clientId >= this.numClients) {
      throw new RangeError(
        `predict: mode 'personalized' needs a clientId in [0, ${this.numClients}) (the clients of the run) but received ${String(clientId)}`,
      );
    }
    return clientId;
  }
}

/** Load an exported FedLoGe model; see {@link FedLoGeModel.predict} for the modes. */
export function loadFedLoGeModel(dir: string, options?: LoadFedLoGeModelOptions): Promise<FedLoGeModel> {
  return FedLoGeModel.load(dir, options);
}

function coreContainer(): DependencyContainer {
  const c = rootContainer.createChildContainer();
  registerCorePlugins(c);
  return c;
}
