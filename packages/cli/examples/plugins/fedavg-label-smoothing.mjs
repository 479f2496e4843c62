// A strategy plugin in one file: FedAvg whose clients train on label-smoothed cross-entropy
// (Szegedy et al., "Rethinking the Inception Architecture", CVPR 2016): the one-hot target
// becomes (1 − ε)·onehot + ε/C. Everything else (sampling, aggregation, GM/PM) is FedAvg's.
//
//   npx fedloge train --plugin ./packages/cli/examples/plugins/fedavg-label-smoothing.mjs --strategy fedavg-ls
//   or in a config file:  plugins: [./plugins/fedavg-label-smoothing.mjs]
//                         strategy: { name: fedavg-ls, options: { smoothing: 0.1 } }
//
// Plain JavaScript, so Node imports it as is. It must live where Node resolves @fedloge/* (inside
// this repository, or a project that depends on the packages).
import 'reflect-metadata';
import * as tf from '@tensorflow/tfjs-core';
import { inject, injectable } from 'tsyringe';
import { z } from 'zod';
import { TOKENS } from '@fedloge/core';
import { FedAvg } from '@fedloge/strategies';

/** Options, validated (and defaulted) before the strategy is built. */
const options = z.strictObject({
  smoothing: z.number().min(0).lt(1).default(0.1).describe('label-smoothing ε'),
});

class FedAvgLabelSmoothing extends FedAvg {
  name = 'fedavg-ls';

  constructor(aggregator, parsedOptions) {
    super(aggregator, parsedOptions);
  }

  /** Only the local loss changes (FedAvg's extension point for one batch). */
  localObjective(net) {
    const eps = this.options.smoothing;
    return {
      loss: (batch) =>
        tf.tidy(() => {
          const logits = net.head.apply(net.backbone.apply(batch.x, 'train'));
          const classes = logits.shape[1];
          const target = tf.oneHot(batch.y, classes).mul(1 - eps).add(eps / classes);
          return tf.losses.softmaxCrossEntropy(target, logits);
        }),
    };
  }
}

// JavaScript has no parameter decorators: apply tsyringe's by hand (TypeScript would write
// @injectable() on the class and @inject(TOKENS.…) on each constructor parameter).
injectable()(FedAvgLabelSmoothing);
inject(TOKENS.Aggregator)(FedAvgLabelSmoothing, undefined, 0);
inject(TOKENS.StrategyOptions)(FedAvgLabelSmoothing, undefined, 1);

/** The plugin object the CLI registers: kind, name, description, options schema, class. */
export default {
  kind: 'strategy',
  name: 'fedavg-ls',
  description: 'FedAvg with label-smoothed cross-entropy (Szegedy et al. 2016)',
  options,
  strategy: FedAvgLabelSmoothing,
};
