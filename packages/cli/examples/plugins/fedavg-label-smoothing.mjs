// A strategy plugin in one file: FedAvg whose clients train on label-smoothed cross-entropy
// (Szegedy et al., "Rethinking the Inception Architecture", CVPR 2016): the one-hot target
// becomes (1 − ε)·onehot + ε/C. Everything else (sampling, aggregation, GM/PM) is FedAvg's.
//
//   npx fedloge train --plugin ./packages/cli/examples/plugins/fedavg-label-smoothing.mjs --strategy fedavg-ls
//   or in a config file:  plugins: [./plugins/fedavg-label-smoothing.mjs]
//                         strategy: { name: fedavg-ls, options: { smoothing: 0.1 } }
//   or from a program:    runFederation(config, { plugins: [labelSmoothing] })  (see ../library/)
//
// Plain JavaScript, so Node imports it as is. It must live where Node resolves @fedloge/* (inside
// this repository, or a project that depends on the packages).
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { FedAvg } from '@fedloge/strategies';

/** Only the local loss changes (FedAvg's extension point for one batch): no constructor, no decorators. */
export class FedAvgLabelSmoothing extends FedAvg {
  localObjective(net) {
    const eps = this.options.smoothing;
    return {
      loss: (batch) =>
        tf.tidy(() => {
          const logits = net.head.apply(net.backbone.apply(batch.x, 'train'));
          const classes = logits.shape[1];
          const target = tf
            .oneHot(batch.y, classes)
            .mul(1 - eps)
            .add(eps / classes);
          return tf.losses.softmaxCrossEntropy(target, logits);
        }),
    };
  }
}

/**
 * The plugin object: kind, name (written once: the strategy reports it), description, options
 * schema (validated, defaults filled in, before `create`), and `create`, which the DI container
 * calls with the context (name, options, aggregator, logger).
 */
const labelSmoothing = {
  kind: 'strategy',
  name: 'fedavg-ls',
  description: 'FedAvg with label-smoothed cross-entropy (Szegedy et al. 2016)',
  options: z.strictObject({
    smoothing: z.number().min(0).lt(1).default(0.1).describe('label-smoothing ε'),
  }),
  create: (ctx) => new FedAvgLabelSmoothing(ctx),
};

export default labelSmoothing;
