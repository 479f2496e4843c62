/**
 * FedLoGe: Joint Local and Generic Federated Learning under Long-tailed Data.
 * Zikai Xiao, Zihan Chen, Liyinglan Liu, Yang Feng, Joey Tianyi Zhou, Jian Wu, Wanlu Liu,
 * Howard Hao Yang, Zuozhu Liu. ICLR 2024. https://openreview.net/forum?id=V3j5d0GQgH,
 * arXiv 2401.08977. Reference code: github.com/ZackZikaiXiao/FedLoGe (docs/fedloge.md).
 *
 * ## What differs from FedAvg
 * The backbone never trains through a learnable classifier: its only loss is cross-entropy
 * through the SSE-C, a static sparse equiangular-tight-frame classifier built once from the run
 * seed and frozen (sse-c.ts; never trained, never sent — every process rebuilds it). Two linear
 * heads are trained on the *detached* features: the global auxiliary head g_aux, averaged by the
 * server with the backbone, and one local head per client, kept in the client's state and never
 * aggregated. After training, GLA-FR (gla-fr.ts) realigns the heads in closed form: GA-FR
 * rescales g_aux's rows to one norm (GM), LA-FR gives g_aux's rows the norms of a client's local
 * head (PM). Global arrays: `backbone.*` and `gaux.{weight,bias}`; client state: `local.{weight,bias}`.
 *
 * ## Client duties (one client-round, docs/fedloge.md#client-round)
 * Start from the global backbone and g_aux and the client's own local head (first selection: a
 * fresh head drawn from the client's seeded stream). Create three optimisers (the run's train.optimizer) once for the
 * round (lr at the round's schedule, momentum, weight decay of the run). Per batch: compute the features once (BatchNorm
 * in train mode); step the backbone on CE(SSE-C(f)); step g_aux on CE(g_aux(f̄)) and the local
 * head on CE(local(f̄)), with f̄ = the same features, detached. Send backbone + g_aux with n_k;
 * keep the local head.
 *
 * ## Evaluation variants
 * GM: `sse-c` (headline: the universal model SSE-C(backbone(x))), `ga-fr` (GA-FR-realigned
 * g_aux), `gaux` (the raw g_aux). PM (heads on the global features): `stage1` (headline:
 * local(f) + g_aux(f)), `la-fr` (R_k(f) + local(f)). The framework's evaluator masks absent classes.
 */
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import {
  crossEntropy,
  MODEL_SAFETENSORS_FILE,
  prefixRecord,
  unprefixRecord,
  type ArrayRecord,
  type Batch,
  type ClientTrainContext,
  type ClientUpdate,
  type GlobalPredictor,
  type Head,
  type ModelBuilder,
  type ModelExportContext,
  type ModelExportInfo,
  type PersonalContext,
  type PersonalPredictor,
  type ServerContext,
  type StrategyContext,
  type StrategyPlugin,
} from '@fedloge/core';
import type { Rng } from '@fedloge/core/data';
import { BACKBONE_PREFIX, FedAvg, fedAvgOptions, type Network, type StrategyInit } from '../fedavg.js';
import { loadedModule } from '../loaded-module.js';
import { runLocalLoop } from '../local-loop.js';
import { KERNEL_CHOICES, SparseEtf, selectKernels, type EtfKernels, type KernelChoice } from '../native-ops/index.js';
import {
  REFERENCE_REALIGN_NORM,
  disposeHeads,
  globalRealign,
  headParams,
  linearLogits,
  localRealign,
  type LinearParams,
} from './gla-fr.js';
import { buildSseC, SSE_C_DEFAULTS, type SseC } from './sse-c.js';
import { FEDLOGE_STREAMS } from './streams.js';
import { exportFedLoGeModel } from './export.js';
import { MANIFEST_FILE } from './model-format.js';
import { GAUX_PREFIX, LOCAL_PREFIX } from './state-keys.js';

export { GAUX_PREFIX, LOCAL_PREFIX };

/** Names of the prediction variants, headline first. */
export const FEDLOGE_GM_VARIANTS = ['sse-c', 'ga-fr', 'gaux'] as const;
export const FEDLOGE_PM_VARIANTS = ['stage1', 'la-fr'] as const;
const [SSE_C, GA_FR, GAUX] = FEDLOGE_GM_VARIANTS;
const [STAGE1, LA_FR] = FEDLOGE_PM_VARIANTS;

/** Result-table names of the evaluator's variant keys (see "Evaluation variants" above). */
export const FEDLOGE_VARIANT_LABELS: Readonly<Record<string, string>> = {
  [`gm/${SSE_C}`]: 'GM universal (SSE-C)',
  [`gm/${GA_FR}`]: 'GM global (GA-FR)',
  [`gm/${GAUX}`]: 'GM global head, not realigned (g_aux)',
  [`pm/${STAGE1}`]: 'PM stage 1 (local+global head)',
  [`pm/${LA_FR}`]: 'PM personalized (LA-FR)',
};

/** FedLoGe's defaults, all from the reference code (docs/fedloge.md#sse-c, docs/fedloge.md#gla-fr) unless noted. */
export const FEDLOGE_DEFAULTS = {
  /** β: fraction of the SSE-C's d·C entries set to zero. */
  sparsity: SSE_C_DEFAULTS.sparsity,
  /** Target L2 norm of every SSE-C class vector (the reference's 0.1; its norm sweep favours 0.08–0.1). */
  etfNorm: SSE_C_DEFAULTS.targetNorm,
  /** Most Adam steps of the SSE-C refinement (the reference runs exactly 10 000). */
  etfSteps: SSE_C_DEFAULTS.steps,
  /** Stop the refinement once converged (not in the reference; see SSE_C_DEFAULTS for the measurements). */
  etfEarlyStop: true,
  /** Adam learning rate of the SSE-C refinement. */
  etfLr: SSE_C_DEFAULTS.lr,
  /** The SSE-C's frozen bias: 'random' U(±1/√d) as the reference, or 'zero' (a deviation). */
  etfBias: SSE_C_DEFAULTS.bias,
  /** GA-FR's common row norm τ (the reference's hard-coded value). */
  realignNorm: REFERENCE_REALIGN_NORM,
  /** Implementation of the SSE-C and GLA-FR head operations; 'native' falls back to 'tfjs' without the addon. */
  kernels: 'native' as KernelChoice,
  /** Head-step stabiliser ρ (not in the reference): off by default, i.e. the reference's plain head SGD. */
  headStepNorm: undefined as number | undefined,
} as const;

/** FedLoGe's options on top of FedAvg's (SGD, sampling and the aggregator are run settings). */
export const fedLoGeOptions = fedAvgOptions.extend({
  sparsity: z.number().min(0).lt(1).default(FEDLOGE_DEFAULTS.sparsity).describe('SSE-C sparsity β in [0, 1)'),
  etfNorm: z.number().positive().default(FEDLOGE_DEFAULTS.etfNorm).describe('SSE-C class-vector norm'),
  etfSteps: z.int().min(0).default(FEDLOGE_DEFAULTS.etfSteps).describe('most Adam steps of the SSE-C refinement'),
  etfEarlyStop: z.boolean().default(FEDLOGE_DEFAULTS.etfEarlyStop).describe('stop the SSE-C refinement once converged'),
  etfLr: z.number().positive().default(FEDLOGE_DEFAULTS.etfLr).describe('Adam learning rate of the SSE-C refinement'),
  etfBias: z.enum(['random', 'zero']).default(FEDLOGE_DEFAULTS.etfBias).describe("SSE-C bias: 'random' (reference) or 'zero'"),
  realignNorm: z.number().positive().default(FEDLOGE_DEFAULTS.realignNorm).describe('GA-FR row norm τ'),
  kernels: z
    .enum(KERNEL_CHOICES as [KernelChoice, ...KernelChoice[]])
    .default(FEDLOGE_DEFAULTS.kernels)
    .describe('head kernels'),
  headStepNorm: z
    .number()
    .positive()
    .optional()
    .describe(
      'stabiliser, not in the reference (off by default): scale every g_aux / local-head step by min(1, ρ²/mean‖f‖²), ' +
        'so a head step moves the logits as much as on features of RMS norm ρ however large the backbone makes them',
    ),
});
export type FedLoGeOptions = z.output<typeof fedLoGeOptions>;

/** The SSE-C of one (seed, d, C), as built numbers and as the kernels' operand. */
export interface FedLoGeSseC {
  /** `${runSeed}/${d}/${C}`: what the cache is keyed on. */
  readonly key: string;
  readonly sseC: SseC;
  readonly etf: SparseEtf;
}

export class FedLoGe extends FedAvg<FedLoGeOptions> {
  static override readonly plugin: StrategyPlugin<FedLoGeOptions> = {
    kind: 'strategy',
    name: 'fedloge',
    description: 'FedLoGe: backbone trained through a frozen sparse ETF (SSE-C), global + local heads on detached features, GLA-FR',
    paper: 'Xiao et al., ICLR 2024, arXiv:2401.08977',
    options: fedLoGeOptions,
    create: (ctx: StrategyContext<FedLoGeOptions>) => new FedLoGe(ctx),
  };

  /** FedLoGe's `localtest` masks absent classes in both heads (docs/metrics.md#pm-masking). */
  override readonly referencePmMasking: boolean = true;
  /**
   * FedAvg's head is g_aux: `backbone.*` and `gaux.*` are what is built, sent and aggregated (the
   * SSE-C and the local heads never are).
   */
  protected override readonly headPrefix: string = GAUX_PREFIX;
  /** The head operations in use (may be 'tfjs' when 'native' was asked for and the addon is missing). */
  readonly kernels: EtfKernels;
  private built: FedLoGeSseC | undefined;

  constructor(init: StrategyInit<FedLoGeOptions> = {}) {
    super(init);
    const logger = this.logger;
    // Warns `logger` itself when 'native' falls back to 'tfjs'.
    this.kernels = selectKernels(this.options.kernels, logger);
    if (this.options.sparsity === 0) {
      logger.warn("fedloge: sparsity 0 makes the SSE-C a dense ETF classifier (no longer the paper's sparse SSE-C)");
    }
    if (this.options.etfBias === 'zero') {
      logger.info('fedloge: SSE-C bias is zero, a documented deviation from the reference (its bias is a frozen random init)');
    }
  }

  /** The resolved options (defaults applied). */
  get resolvedOptions(): Readonly<FedLoGeOptions> {
    return this.options;
  }

  // ----- Strategy hooks -------------------------------------------------------------------------

  override async trainClient(ctx: ClientTrainContext): Promise<ClientUpdate> {
    const sse = this.sseCFor(ctx.rng.seed, ctx.models.featureDim, ctx.numClasses);
    const net = this.buildNetwork(ctx.models, ctx.payload);
    const local = this.localHead(ctx.models, ctx.state, ctx.rng.seed, ctx.clientId);
    // Where the heads started, for the update norms reported in the metrics.
    const gauxStart = selectHead(ctx.payload, GAUX_PREFIX);
    const localStart = local.exportState();
    const rho = this.options.headStepNorm;
    // Per batch: the backbone's features (a kept copy outside the tape, the heads' input, through which no
    // gradient reaches the backbone) and the heads' step scale.
    let features: tf.Tensor2D | undefined;
    let scale = 1;
    const diagnostics = { featureNorm: 0, headScale: 0 };
    const headLoss = (head: Head) => (batch: Batch) =>
      scale === 1
        ? crossEntropy(head.apply(features!), batch.y)
        : (tf.mul(crossEntropy(head.apply(features!), batch.y), scale) as tf.Scalar);
    try {
      // Three groups, hence three optimisers, created once per client-round so momentum runs across the local epochs (§9.2).
      const { losses, steps } = runLocalLoop(
        ctx,
        [
          {
            metric: 'loss',
            variables: [...net.backbone.params.values()],
            loss: (batch) => {
              const f = net.backbone.apply(batch.x, 'train');
              features = tf.keep(tf.clone(f));
              return this.kernels.etfCrossEntropy(f, sse.etf, batch.y);
            },
          },
          {
            metric: 'gauxLoss',
            variables: [...net.head.params.values()],
            // The heads' logit change per SGD step grows with ‖f‖²; the SSE-C's small norm (0.1) makes the backbone
            // grow ‖f‖, which is what headStepNorm counters (see docs/guides/fedloge.md#unstable-heads-and-headstepnorm).
            prepare: () => {
              const meanSquaredNorm = tf.tidy(() => tf.mean(tf.sum(tf.square(features!), 1)).dataSync()[0]!);
              scale = rho === undefined || !(meanSquaredNorm > rho * rho) ? 1 : (rho * rho) / meanSquaredNorm;
              diagnostics.featureNorm += Math.sqrt(meanSquaredNorm);
              diagnostics.headScale += scale;
            },
            loss: headLoss(net.head),
            reported: (loss) => loss / scale,
          },
          { metric: 'localLoss', variables: [...local.params.values()], loss: headLoss(local), reported: (loss) => loss / scale },
        ],
        {
          afterBatch: () => {
            features?.dispose();
            features = undefined;
          },
        },
      );
      const arrays = this.exportNetwork(net);
      const localEnd = local.exportState();
      return {
        arrays,
        numSamples: ctx.data.numSamples,
        state: prefixRecord(localEnd, LOCAL_PREFIX),
        metrics: {
          ...losses,
          // Instability diagnostics: RMS feature norm, the heads' round updates, the mean head-step scale.
          featureNorm: steps ? diagnostics.featureNorm / steps : NaN,
          gauxUpdateNorm: distance(selectHead(arrays, GAUX_PREFIX), gauxStart),
          localUpdateNorm: distance(localEnd, localStart),
          headStepScale: steps ? diagnostics.headScale / steps : NaN,
        },
      };
    } finally {
      local.dispose();
      this.disposeNetwork(net);
    }
  }

  /** GM variants on the global backbone's features: `sse-c` (headline), `ga-fr`, `gaux`. */
  override globalPredictor(global: ArrayRecord, ctx: ServerContext): GlobalPredictor {
    const sse = this.sseCFor(ctx.rng.seed, ctx.models.featureDim, ctx.numClasses);
    const backbone = loadedModule((rng) => ctx.models.backbone(rng), unprefixRecord(global, BACKBONE_PREFIX));
    let gaux: LinearParams | undefined;
    let realigned: LinearParams;
    try {
      gaux = headParams(global, GAUX_PREFIX);
      realigned = globalRealign(this.kernels, gaux, this.options.realignNorm);
    } catch (e) {
      backbone.dispose();
      if (gaux) disposeHeads(gaux);
      throw e;
    }
    const head = gaux;
    return {
      features: (x) => backbone.apply(x, 'eval'),
      heads: (f) => ({
        [SSE_C]: this.kernels.projectEtf(f, sse.etf),
        [GA_FR]: linearLogits(f, realigned),
        [GAUX]: linearLogits(f, head),
      }),
      dispose: () => {
        backbone.dispose();
        disposeHeads(head, realigned);
      },
    };
  }

  /**
   * PM variants from the global features: `stage1` = local(f) + g_aux(f) (headline), `la-fr` =
   * R_k(f) + local(f). A never-selected client uses its initial random local head, as the reference
   * evaluates all N clients with whatever head they hold.
   */
  personalPredictor(global: ArrayRecord, client: PersonalContext, ctx: ServerContext): PersonalPredictor {
    const gaux = headParams(global, GAUX_PREFIX);
    const localState = client.state ?? this.initialLocalState(ctx.models, client.rng.seed, client.clientId);
    let local: LinearParams | undefined;
    let laFr: LinearParams | undefined;
    try {
      local = headParams(localState, LOCAL_PREFIX);
      laFr = localRealign(this.kernels, gaux, local.weight);
    } catch (e) {
      disposeHeads(gaux, ...(local ? [local] : []));
      throw e;
    }
    const [localHead, realigned] = [local, laFr];
    return {
      kind: 'heads',
      heads: (f) =>
        tf.tidy(() => {
          const localLogits = linearLogits(f, localHead);
          return {
            [STAGE1]: tf.add(localLogits, linearLogits(f, gaux)) as tf.Tensor2D,
            [LA_FR]: tf.add(linearLogits(f, realigned), localLogits) as tf.Tensor2D,
          };
        }),
      dispose: () => disposeHeads(gaux, localHead, realigned),
    };
  }

  override summary(): Record<string, unknown> {
    const sse = this.built?.sseC;
    return {
      ...super.summary(),
      kernels: this.kernels.kind,
      ...(sse
        ? {
            sseC: {
              featureDim: sse.featureDim,
              numClasses: sse.numClasses,
              ...sse.build,
              finalLoss: sse.build.finalLoss.loss,
              geometry: sse.geometry,
            },
          }
        : {}),
    };
  }

  /** Table names of the variants: which model each is and which step of the paper builds it. */
  variantLabels(): Readonly<Record<string, string>> {
    return FEDLOGE_VARIANT_LABELS;
  }

  /**
   * The trained model with all three inference modes (universal, global, personalized), via
   * {@link exportFedLoGeModel}; load it with `loadFedLoGeModel` or `fedloge predict`.
   */
  async exportModel(dir: string, ctx: ModelExportContext): Promise<ModelExportInfo> {
    const manifest = await exportFedLoGeModel(dir, {
      strategy: this,
      global: ctx.global,
      clientStates: ctx.clientStates,
      models: ctx.models,
      backbone: ctx.backbone,
      runSeed: ctx.seed,
    });
    return {
      format: manifest.format,
      version: manifest.version,
      files: [MANIFEST_FILE, ...Object.values(manifest.groups).map((g) => g.file), MODEL_SAFETENSORS_FILE],
    };
  }

  // ----- FedAvg extension hooks -----------------------------------------------------------------

  /** Backbone and g_aux (FedLoGe's heads are nn.Linear whatever the run's default head type). */
  protected override createNetwork(models: ModelBuilder, rng: Rng): Network {
    return { backbone: models.backbone(rng.derive('backbone')), head: models.head(rng.derive('gaux'), 'linear') };
  }

  // ----- FedLoGe pieces -------------------------------------------------------------------------

  /**
   * The SSE-C for this run, built on first use from the run seed's `sse-c` stream and cached, so
   * the server and every worker hold the identical classifier without sending it.
   */
  sseCFor(runSeed: number, featureDim: number, numClasses: number): FedLoGeSseC {
    const key = `${runSeed}/${featureDim}/${numClasses}`;
    if (this.built?.key === key) return this.built;
    this.built?.etf.dispose();
    const sseC = buildSseC({
      featureDim,
      numClasses,
      sparsity: this.options.sparsity,
      targetNorm: this.options.etfNorm,
      steps: this.options.etfSteps,
      earlyStop: this.options.etfEarlyStop ? SSE_C_DEFAULTS.earlyStop : false,
      lr: this.options.etfLr,
      bias: this.options.etfBias,
      rng: FEDLOGE_STREAMS.sseC(runSeed),
    });
    const g = sseC.geometry;
    this.logger.info(
      `fedloge: SSE-C d=${featureDim} C=${numClasses} built in ${(sseC.build.millis / 1000).toFixed(1)} s ` +
        `(${sseC.build.steps} Adam steps): mean angle ${g.meanAngleDeg.toFixed(3)}°, mean norm ${g.meanNorm.toFixed(5)}`,
    );
    this.built = { key, sseC, etf: SparseEtf.fromDense(sseC.weight, featureDim, sseC.bias) };
    return this.built;
  }

  /** Client `clientId`'s initial local head state (keys `local.*`), deterministic in the run seed. */
  initialLocalState(models: ModelBuilder, runSeed: number, clientId: number): ArrayRecord {
    const head = models.head(FEDLOGE_STREAMS.localHead(runSeed, clientId), 'linear');
    try {
      return prefixRecord(head.exportState(), LOCAL_PREFIX);
    } finally {
      head.dispose();
    }
  }

  /** The client's local head module: from its state, or freshly initialised on first selection. */
  private localHead(models: ModelBuilder, state: ArrayRecord | undefined, runSeed: number, clientId: number): Head {
    if (!state) return models.head(FEDLOGE_STREAMS.localHead(runSeed, clientId), 'linear');
    try {
      return loadedModule((rng) => models.head(rng, 'linear'), unprefixRecord(state, LOCAL_PREFIX));
    } catch (e) {
      throw new Error(`fedloge: client ${clientId}'s state holds no valid local head (${(e as Error).message})`, { cause: e });
    }
  }
}

/** The `weight` and `bias` arrays under `prefix` (unprefixed), or empty when absent. */
function selectHead(record: ArrayRecord, prefix: string): ArrayRecord {
  const out: Record<string, ArrayRecord[string]> = {};
  for (const key of ['weight', 'bias']) if (record[`${prefix}${key}`]) out[key] = record[`${prefix}${key}`]!;
  return out;
}

/** ‖a − b‖₂ over the keys of `a` (all entries flattened together). */
function distance(a: ArrayRecord, b: ArrayRecord): number {
  let sum = 0;
  for (const [key, v] of Object.entries(a)) {
    const w = b[key];
    if (!w) continue;
    for (let i = 0; i < v.data.length; i++) sum += (v.data[i]! - w.data[i]!) ** 2;
  }
  return Math.sqrt(sum);
}

export const fedLoGePlugin: StrategyPlugin<FedLoGeOptions> = FedLoGe.plugin;
