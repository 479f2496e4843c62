/**
 * FedRoD [Chen & Chao, 2022], "On Bridging Generic and Personalized Federated Learning for Image
 * Classification", ICLR 2022. https://arxiv.org/abs/2107.00778
 *
 * One backbone φ with two heads: a generic head g, federated, and a personal head p, kept on the
 * client. Each local batch makes two updates (docs/baselines.md#fedrod; PFLlib `clientrod.py` and the
 * FedETF repo's `client_fedrod` agree):
 *  1. φ and g on Balanced Softmax with the client's class counts, CE(g(φ(x)) + log n_{k,·}, y)
 *     (Ren et al., NeurIPS 2020), which makes g a generic, class-balanced classifier;
 *  2. p on the residual, CE(g(f)ᵀ + p(f), y) with f and g(f) detached, so p learns only what the
 *     client's own label distribution adds to g.
 * Both are computed from one forward pass and applied in one SGD step as the sum of the two losses:
 * the detaches make each parameter's gradient exactly that of its own loss (p therefore shares the
 * run's momentum and weight decay, where PFLlib gives p plain SGD). A class the client does not hold
 * has log 0 = −∞ in step 1; it is left out of the local softmax without NaN.
 *
 * Aggregated: φ and g (weighted by n_k). Personal: p, initialised as a copy of g (PFLlib).
 * GM = g(φ(x)); PM = g(φ(x)) + p_k(φ(x)) on the global features (a `heads` predictor).
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  crossEntropy,
  prefixRecord,
  unprefixRecord,
  type ArrayRecord,
  type ClientTrainContext,
  type Head,
  type ModelBuilder,
  type PersonalContext,
  type PersonalPredictor,
  type ServerContext,
  type StrategyContext,
  type StrategyPlugin,
} from '@fedloge/core';
import type { Rng } from '@fedloge/core/data';
import type { z } from 'zod';
import { FedAvg, HEAD_PREFIX, fedAvgOptions, type LocalObjective, type Network } from '../fedavg.js';
import { loadOrDispose, overwrittenInit } from '../loaded-module.js';
import { logCountOffsets } from './losses/class-prior.js';
import { offsetCrossEntropy } from './losses/offset-cross-entropy.js';
import { stopGradient } from './losses/stop-gradient.js';

/** State-key prefix of the personal head p. */
export const PERSONAL_HEAD_PREFIX = 'personal.';
/** Name of FedRoD's PM prediction variant, g + p. */
export const GENERIC_PLUS_PERSONAL_VARIANT = 'generic+personal';

export const fedRodOptions = fedAvgOptions;
export type FedRodOptions = z.output<typeof fedRodOptions>;

/** FedAvg's network plus the personal head p (`head` is the generic head g). */
export interface RodNetwork extends Network {
  readonly personal: Head;
}

export class FedRoD extends FedAvg<FedRodOptions> {
  static override readonly plugin: StrategyPlugin<FedRodOptions> = {
    kind: 'strategy',
    name: 'fedrod',
    description: 'FedRoD: generic head on Balanced Softmax (aggregated), personal head on the detached residual; PM = g + p',
    paper: 'Chen & Chao, ICLR 2022, arXiv:2107.00778',
    options: fedRodOptions,
    create: (ctx: StrategyContext<FedRodOptions>) => new FedRoD(ctx),
  };

  /** PM: g + p_k on the global features (p as initialised for a client that never trained). */
  personalPredictor(global: ArrayRecord, client: PersonalContext, ctx: ServerContext): PersonalPredictor {
    const arrays = client.state ? { ...global, ...client.state } : global;
    const [generic, personal] = loadOrDispose(
      [ctx.models.head(overwrittenInit()), ctx.models.head(overwrittenInit())] as const,
      ([g, p]) => {
        g.loadState(unprefixRecord(arrays, HEAD_PREFIX));
        p.loadState(unprefixRecord(arrays, PERSONAL_HEAD_PREFIX));
      },
      ([g, p]) => {
        g.dispose();
        p.dispose();
      },
    );
    return {
      kind: 'heads',
      heads: (f) => ({ [GENERIC_PLUS_PERSONAL_VARIANT]: tf.tidy(() => tf.add(generic.apply(f), personal.apply(f)) as tf.Tensor2D) }),
      dispose: () => {
        generic.dispose();
        personal.dispose();
      },
    };
  }

  /** FedAvg's network plus p, initialised as a copy of g. */
  protected override createNetwork(models: ModelBuilder, rng: Rng): RodNetwork {
    const net = super.createNetwork(models, rng);
    const personal = models.head(rng.derive('personal'));
    personal.loadState(net.head.exportState());
    return { ...net, personal };
  }

  protected override buildNetwork(models: ModelBuilder, arrays: ArrayRecord): RodNetwork {
    return loadOrDispose(
      super.buildNetwork(models, arrays) as RodNetwork,
      (net) => net.personal.loadState(unprefixRecord(arrays, PERSONAL_HEAD_PREFIX)),
      (net) => this.disposeNetwork(net),
    );
  }

  protected override exportNetwork(net: Network): ArrayRecord {
    return { ...super.exportNetwork(net), ...prefixRecord((net as RodNetwork).personal.exportState(), PERSONAL_HEAD_PREFIX) };
  }

  protected override networkBufferKeys(net: Network): string[] {
    return [...super.networkBufferKeys(net), ...[...(net as RodNetwork).personal.buffers.keys()].map((k) => PERSONAL_HEAD_PREFIX + k)];
  }

  protected override disposeNetwork(net: Network): void {
    super.disposeNetwork(net);
    (net as RodNetwork).personal.dispose();
  }

  /** φ, g and p. */
  protected override trainableVariables(net: Network): tf.Variable[] {
    return [...super.trainableVariables(net), ...(net as RodNetwork).personal.params.values()];
  }

  /** Balanced Softmax for φ and g, plus the residual CE for p on detached features and logits. */
  protected override localObjective(net: Network, ctx: ClientTrainContext): LocalObjective {
    const { personal } = net as RodNetwork;
    const logPrior = logCountOffsets(ctx.data.classCounts);
    return {
      loss: (batch) =>
        tf.tidy(() => {
          const features = net.backbone.apply(batch.x, 'train');
          const generic = net.head.apply(features);
          const balanced = offsetCrossEntropy(generic, batch.y, logPrior);
          const residual = crossEntropy(tf.add(stopGradient(generic), personal.apply(stopGradient(features))) as tf.Tensor2D, batch.y);
          return tf.add(balanced, residual) as tf.Scalar;
        }),
    };
  }

  /** p stays on the client. */
  protected override personalKeys(keys: readonly string[]): string[] {
    return keys.filter((k) => k.startsWith(PERSONAL_HEAD_PREFIX));
  }
}

export const fedRodPlugin: StrategyPlugin<FedRodOptions> = FedRoD.plugin;
