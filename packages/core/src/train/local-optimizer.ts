/**
 * The one place that builds the run's configured optimiser (`TrainConfig.optimizer`), so every
 * strategy's local loop gets the same.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { TrainConfig } from '../strategy.js';
import { Adam } from './adam.js';
import type { LocalOptimizer } from './optimizer.js';
import { SGD } from './sgd.js';

/**
 * The optimiser `train` configures over `variables`, at learning rate `train.lr` (the round's lr when
 * a schedule runs). SGD uses lr, momentum and weightDecay; Adam/AdamW lr, weightDecay and their betas/eps
 * (momentum is SGD's only).
 */
export function createLocalOptimizer(variables: readonly tf.Variable[], train: TrainConfig): LocalOptimizer {
  const optimizer = train.optimizer ?? { name: 'sgd' };
  switch (optimizer.name) {
    case 'sgd':
      return new SGD(variables, { lr: train.lr, momentum: train.momentum, weightDecay: train.weightDecay });
    case 'adam':
    case 'adamw':
      return new Adam(variables, {
        lr: train.lr,
        beta1: optimizer.beta1,
        beta2: optimizer.beta2,
        eps: optimizer.eps,
        weightDecay: train.weightDecay,
        decoupled: optimizer.name === 'adamw',
      });
    default:
      throw new RangeError(
        `train.optimizer.name: unknown optimiser '${(optimizer as { name: string }).name}'; expected one of 'sgd', 'adam', 'adamw'`,
      );
  }
}
