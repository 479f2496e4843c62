/** `ModelBuilder` over the registered model and head plugins. */
import type { DependencyContainer } from 'tsyringe';
import type { Backbone, Head } from '../nn/module.js';
import { getHeadPlugin, getModelPlugin, parsePluginOptions } from '../plugins/registry.js';
import type { HeadPlugin, ModelPlugin } from '../plugins/types.js';
import { Rng } from '../random.js';
import type { ModelBuilder } from '../strategy.js';

/** A plugin chosen by name, with its raw (unvalidated) options. */
export interface PluginRef {
  readonly name: string;
  readonly options?: unknown;
}

/** The architecture of a run: a backbone plugin and the default head type. */
export interface ModelSpec {
  readonly backbone: PluginRef;
  /** @default { name: 'linear' } */
  readonly head?: PluginRef;
}

export class PluginModelBuilder implements ModelBuilder {
  private readonly modelPlugin: ModelPlugin;
  private readonly modelOptions: unknown;
  private readonly defaultHead: PluginRef;
  private featureDimCache: number | undefined;

  constructor(
    private readonly container: DependencyContainer,
    spec: ModelSpec,
    readonly inputShape: readonly [number, number, number],
    readonly numClasses: number,
  ) {
    this.modelPlugin = getModelPlugin(container, spec.backbone.name);
    this.modelOptions = parsePluginOptions(this.modelPlugin, spec.backbone.options);
    this.defaultHead = spec.head ?? { name: 'linear' };
    getHeadPlugin(container, this.defaultHead.name); // fail now, with the list of heads, on a bad name
  }

  /** Feature width of the backbone; found once by building (and freeing) a throwaway backbone. */
  get featureDim(): number {
    if (this.featureDimCache === undefined) {
      const probe = this.backbone(new Rng(0, 'feature-dim-probe'));
      this.featureDimCache = probe.featureDim;
      probe.dispose();
    }
    return this.featureDimCache;
  }

  backbone(rng: Rng): Backbone {
    const backbone = this.modelPlugin.create({ inputShape: this.inputShape, rng }, this.modelOptions);
    this.featureDimCache ??= backbone.featureDim;
    return backbone;
  }

  head(rng: Rng, type?: string, options?: unknown): Head {
    const plugin: HeadPlugin = getHeadPlugin(this.container, type ?? this.defaultHead.name);
    const raw = type === undefined || type === this.defaultHead.name ? (options ?? this.defaultHead.options) : options;
    return plugin.create({ inputDim: this.featureDim, numClasses: this.numClasses, rng }, parsePluginOptions(plugin, raw));
  }
}
