/**
 * The shared base of the methods that keep part of the network on the client (FedPer and FedRep:
 * the head; FedBN: the BatchNorm layers) and aggregate the rest with FedAvg.
 *
 * - Personal part: the keys `personalKeys` names. They persist in the client's state and override
 *   the payload at the start of its next round, so the client always resumes from its own part.
 * - PM: the global shared part with the client's personal part (the GM's part for a client that
 *   never trained). A head-only personal part reuses the global features (`heads` predictor); any
 *   other runs the client's network on the images (`model` predictor).
 * - GM: the papers define no global model for these methods. With `gmPersonalPart: 'average'`
 *   (default), clients also upload their personal part and the server averages it for the GM only:
 *   clients never start from it once they hold their own (the usual convention, e.g. PFLlib
 *   evaluates FedPer's global model with averaged heads). `'initial'` keeps the personal part
 *   entirely on the clients; the GM then uses the part's initial values.
 */
import 'reflect-metadata';
import { z } from 'zod';
import {
  unprefixRecord,
  type ArrayRecord,
  type ClientTrainContext,
  type ClientUpdate,
  type PersonalContext,
  type PersonalPredictor,
  type ServerContext,
} from '@fedloge/core';
import { FedAvg, HEAD_PREFIX, fedAvgOptions } from '../fedavg.js';
import { loadedModule } from '../loaded-module.js';

/** Name of the PM prediction variant of a client's own model (the personal-part methods, Ditto). */
export const PERSONAL_VARIANT = 'personal';

export const personalPartOptions = fedAvgOptions.extend({
  /**
   * What the GM uses for the personal part: `'average'` (clients also upload it; averaged for the
   * GM only) or `'initial'` (never uploaded; its initial values).
   * @default 'average'
   */
  gmPersonalPart: z.enum(['average', 'initial']).default('average'),
});
export type PersonalPartOptions = z.output<typeof personalPartOptions>;

export abstract class PersonalPartStrategy<O extends PersonalPartOptions, P = never> extends FedAvg<O, P> {
  /** Keys of the personal part, among the network's state keys. */
  protected abstract override personalKeys(keys: readonly string[]): string[];

  /** FedAvg's local training; with `gmPersonalPart: 'average'` the personal part is uploaded too. */
  protected override async trainLocal(ctx: ClientTrainContext, phase: P | undefined): Promise<ClientUpdate> {
    const update = await super.trainLocal(ctx, phase);
    if (this.options.gmPersonalPart === 'initial' || !update.state) return update;
    return { ...update, arrays: { ...update.arrays, ...update.state } };
  }

  /** Every key with `'average'` (the personal part feeds only the GM); the shared part otherwise. */
  protected override aggregatedKeys(global: ArrayRecord): string[] {
    return this.options.gmPersonalPart === 'average' ? Object.keys(global) : super.aggregatedKeys(global);
  }

  /** PM: the global shared part with this client's personal part. */
  personalPredictor(global: ArrayRecord, client: PersonalContext, ctx: ServerContext): PersonalPredictor {
    const arrays = client.state ? { ...global, ...client.state } : global;
    const personal = this.personalKeys(Object.keys(global));
    if (personal.every((k) => k.startsWith(HEAD_PREFIX))) {
      const head = loadedModule((rng) => ctx.models.head(rng), unprefixRecord(arrays, HEAD_PREFIX));
      return { kind: 'heads', heads: (f) => ({ [PERSONAL_VARIANT]: head.apply(f) }), dispose: () => head.dispose() };
    }
    const net = this.buildNetwork(ctx.models, arrays);
    return this.networkPredictor(net, PERSONAL_VARIANT);
  }
}
