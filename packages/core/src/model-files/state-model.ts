/**
 * Load a generic model export (state-model-format.ts) and predict with it: the strategy is rebuilt
 * from its plugin and options, and its own `globalPredictor` / `personalPredictor` run on the
 * exported arrays with the random streams of the run's last evaluation, so a loaded model
 * predicts exactly what the run evaluated (no class masking: that needs a client's label set,
 * which is the caller's knowledge).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { DependencyContainer } from 'tsyringe';
import type { ArrayRecord } from '../arrays.js';
import { silentLogger, type Logger } from '../logger.js';
import { createAggregator, createStrategy } from '../plugins/registry.js';
import { Rng } from '../random.js';
import { PluginModelBuilder } from '../simulation/plugin-model-builder.js';
import { RUN_STREAMS } from '../simulation/streams.js';
import type { ClientData, GlobalPredictor, PersonalPredictor, ServerContext, Strategy } from '../strategy.js';
import { readArrayGroup, readJsonManifest } from './array-groups.js';
import {
  MODEL_MANIFEST_FILE,
  STATE_MODEL_FORMAT,
  STATE_MODEL_GROUPS,
  STATE_MODEL_VERSION,
  type StateModelManifest,
} from './state-model-format.js';

/** Which model predicts: the global one (GM) or a client's personalized one (PM). */
export type StateModelMode = 'global' | 'personalized';
export const STATE_MODEL_MODES: readonly StateModelMode[] = ['global', 'personalized'];

export interface LoadStateModelOptions {
  /** A container with the run's plugins registered: its strategy, aggregator, backbone and heads. */
  readonly container: DependencyContainer;
  /** @default silent */
  readonly logger?: Logger;
  /**
   * Client k's training data, for strategies whose personalized model is fine-tuned on it just
   * before predicting (FedBABU, FedETF). Without it such a strategy's `personalized` mode fails
   * with an error saying so.
   */
  readonly clientData?: (clientId: number) => ClientData;
}

/** Logits of a batch per prediction variant (headline first). Tensors belong to the caller. */
export interface VariantPredictor {
  logits(x: tf.Tensor4D): Record<string, tf.Tensor2D>;
  dispose(): void;
}

/** A loaded state export. Holds no tensors itself; each predictor must be disposed. */
export class StateModel {
  private constructor(
    readonly manifest: StateModelManifest,
    readonly strategy: Strategy,
    private readonly global: ArrayRecord,
    private readonly states: ReadonlyMap<number, ArrayRecord>,
    private readonly server: ServerContext,
    private readonly clientData: ((clientId: number) => ClientData) | undefined,
  ) {}

  /** Load the export in `dir` (written by `exportStateModel`). */
  static async load(dir: string, options: LoadStateModelOptions): Promise<StateModel> {
    const manifest = await readStateManifest(dir);
    const [global, stored] = await Promise.all([
      readArrayGroup(dir, manifest.groups.global),
      readArrayGroup(dir, manifest.groups['client-states']),
    ]);
    const states = new Map<number, ArrayRecord>();
    for (const [key, entry] of Object.entries(stored)) {
      const slash = key.indexOf('/');
      const clientId = Number(key.slice(0, slash));
      if (slash < 1 || !Number.isInteger(clientId) || clientId < 0 || clientId >= manifest.numClients) {
        throw new Error(`${dir}: client-states entry '${key}' is not '<client id>/<key>' for a client below ${manifest.numClients}`);
      }
      const state = states.get(clientId) ?? {};
      state[key.slice(slash + 1)] = entry;
      states.set(clientId, state);
    }
    const logger = options.logger ?? silentLogger();
    const aggregator = createAggregator(options.container, manifest.aggregator.name, manifest.aggregator.options, logger);
    const strategy = createStrategy(options.container, manifest.strategy.name, manifest.strategy.options, aggregator, logger);
    const models = new PluginModelBuilder(options.container, manifest.model, manifest.inputShape, manifest.numClasses);
    const server: ServerContext = {
      numClients: manifest.numClients,
      numClasses: manifest.numClasses,
      clientClassCounts: manifest.clientClassCounts,
      clientSizes: manifest.clientSizes,
      models,
      rng: RUN_STREAMS.serverCall(new Rng(manifest.seed), 'evaluate', manifest.round),
      train: manifest.train,
      logger,
    };
    return new StateModel(manifest, strategy, global, states, server, options.clientData);
  }

  get numClasses(): number {
    return this.manifest.numClasses;
  }

  get numClients(): number {
    return this.manifest.numClients;
  }

  /** Client `clientId`'s stored state (its personal part), or undefined when it has none. */
  clientState(clientId: number): ArrayRecord | undefined {
    return this.states.get(this.checkClient(clientId));
  }

  /** The GM: the strategy's global predictor on the exported global arrays. */
  globalPredictor(): VariantPredictor {
    return fromGlobal(this.strategy.globalPredictor(this.global, this.server));
  }

  /**
   * Client `clientId`'s PM: the strategy's personal predictor with the client's state, or the GM
   * for a strategy without one (FedAvg's PM is the global model).
   */
  async personalPredictor(clientId: number): Promise<VariantPredictor> {
    const k = this.checkClient(clientId);
    if (!this.strategy.personalPredictor) return this.globalPredictor();
    const personal = await this.strategy.personalPredictor(
      this.global,
      {
        clientId: k,
        state: this.states.get(k),
        data: this.clientData?.(k) ?? this.missingData(k),
        rng: RUN_STREAMS.personal(new Rng(this.manifest.seed), this.manifest.round, k),
      },
      this.server,
    );
    if (personal.kind === 'model') return { logits: (x) => personal.predict(x), dispose: () => personal.dispose() };
    return fromPersonalHeads(personal, this.strategy.globalPredictor(this.global, this.server));
  }

  /** The predictor of `mode` (client `clientId` for `personalized`). */
  predictor(mode: StateModelMode, clientId?: number): Promise<VariantPredictor> {
    if (mode === 'global') return Promise.resolve(this.globalPredictor());
    if (mode === 'personalized') {
      if (clientId === undefined) throw new RangeError(`mode 'personalized' needs a client id in [0, ${this.numClients})`);
      return this.personalPredictor(clientId);
    }
    throw new RangeError(`unknown mode '${String(mode)}'; expected one of ${STATE_MODEL_MODES.join(', ')}`);
  }

  private checkClient(clientId: number): number {
    if (!Number.isInteger(clientId) || clientId < 0 || clientId >= this.numClients) {
      throw new RangeError(
        `client ${String(clientId)} is not in the model: the run had ${this.numClients} clients (ids 0 to ${this.numClients - 1})`,
      );
    }
    return clientId;
  }

  /** A stand-in for client data that was not given: its facts, and a clear error if trained on. */
  private missingData(clientId: number): ClientData {
    const strategy = this.strategy.name;
    return {
      clientId,
      numSamples: this.manifest.clientSizes[clientId] ?? 0,
      classCounts: this.manifest.clientClassCounts[clientId] ?? [],
      batches() {
        throw new Error(
          `strategy '${strategy}' trains client ${clientId} on its training data before predicting; pass clientData to ` +
            'loadStateModel (fedloge predict rebuilds it from the run)',
        );
      },
    };
  }
}

/** Load a generic model export; see {@link StateModel}. */
export function loadStateModel(dir: string, options: LoadStateModelOptions): Promise<StateModel> {
  return StateModel.load(dir, options);
}

/** Read and check a state export's manifest.json. */
export async function readStateManifest(dir: string): Promise<StateModelManifest> {
  const manifest = await readJsonManifest<StateModelManifest>(dir, MODEL_MANIFEST_FILE, {
    format: STATE_MODEL_FORMAT,
    version: STATE_MODEL_VERSION,
    what: 'model',
  });
  for (const group of STATE_MODEL_GROUPS) {
    if (!manifest.groups?.[group])
      throw new Error(`${dir}/${MODEL_MANIFEST_FILE}: the manifest lists no '${group}' group; export the model again`);
  }
  return manifest as StateModelManifest;
}

function fromGlobal(predictor: GlobalPredictor): VariantPredictor {
  return { logits: (x) => tf.tidy(() => predictor.heads(predictor.features(x))), dispose: () => predictor.dispose() };
}

/** A `heads` PM predictor on the GM's features, as the evaluator runs it. */
function fromPersonalHeads(personal: Extract<PersonalPredictor, { kind: 'heads' }>, global: GlobalPredictor): VariantPredictor {
  return {
    logits: (x) => tf.tidy(() => personal.heads(global.features(x))),
    dispose: () => {
      personal.dispose();
      global.dispose();
    },
  };
}
