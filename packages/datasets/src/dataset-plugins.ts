/**
 * The built-in data sets as dataset plugins: `dataset.name` in a run config selects one of these
 * (or one a user module registers through `plugins:`) the same way `strategy.name` selects a
 * strategy. A plugin is `{ kind: 'dataset', name, description, options, load(context) }`; `load`
 * gets the parsed options, `dataDir`, `download` and `onProgress`, and returns an `ImageDataset`.
 * Worker threads call `load` again with `download: false`, so it must find what the main thread found.
 */
import { z } from 'zod';
import type { DatasetContext, DatasetPlugin } from '@fedloge/core/data';
import { CIFAR10, CIFAR100, loadCifar } from './cifar.js';
import type { DatasetSourceOptions } from './dataset-source.js';
import { loadFashionMnist } from './fashion-mnist.js';
import { LARGE_IMAGE_DATASET_PLUGINS } from './large-image-plugins.js';

/** Options every built-in loader understands (where to look and where to download from). */
export const datasetSourceOptions = z.strictObject({
  /** Base URL to download from instead of the official one (a mirror; must end with `/`). */
  mirror: z
    .string()
    .regex(/^https?:\/\/.+\/$/, 'an http(s) URL ending with /')
    .optional()
    .describe('Base URL to download from instead of the official one (must end with /).'),
  /** Also look where system packages install data sets (Debian's /usr/share/datasets). */
  searchSystemFolders: z.boolean().default(true).describe('Also look in /usr/share/datasets (system packages).'),
  /** Download cache. @default `$FEDLOGE_CACHE/<dataset>` or `~/.cache/fedloge/<dataset>` */
  cacheDir: z.string().min(1).optional().describe('Download cache folder (default $FEDLOGE_CACHE/<name> or ~/.cache/fedloge/<name>).'),
});
export type DatasetSourcePluginOptions = z.output<typeof datasetSourceOptions>;

/** The loader options of a plugin context: the parsed options plus where to look and whether to download. */
export function sourceOptions(ctx: DatasetContext<DatasetSourcePluginOptions>): DatasetSourceOptions {
  return {
    ...ctx.options,
    ...(ctx.dataDir !== undefined ? { dataDir: ctx.dataDir } : {}),
    download: ctx.download,
    ...(ctx.onProgress ? { onProgress: ctx.onProgress } : {}),
  };
}

export const fashionMnistPlugin: DatasetPlugin<DatasetSourcePluginOptions> = {
  kind: 'dataset',
  name: 'fashion-mnist',
  description: 'Fashion-MNIST: 28×28 grey images of clothing, 10 classes, 60 000 train / 10 000 test',
  options: datasetSourceOptions,
  load: (ctx) => loadFashionMnist(sourceOptions(ctx)),
};

export const cifar10Plugin: DatasetPlugin<DatasetSourcePluginOptions> = {
  kind: 'dataset',
  name: 'cifar10',
  description: 'CIFAR-10: 32×32 colour images, 10 classes, 50 000 train / 10 000 test',
  options: datasetSourceOptions,
  load: (ctx) => loadCifar(CIFAR10, sourceOptions(ctx)),
};

export const cifar100Plugin: DatasetPlugin<DatasetSourcePluginOptions> = {
  kind: 'dataset',
  name: 'cifar100',
  description: 'CIFAR-100: 32×32 colour images, 100 classes, 50 000 train / 10 000 test',
  options: datasetSourceOptions,
  load: (ctx) => loadCifar(CIFAR100, sourceOptions(ctx)),
};

/** Every built-in dataset plugin, for the host to register (`registerPlugin` from @fedloge/core). */
export const BUILTIN_DATASET_PLUGINS: readonly DatasetPlugin[] = [
  fashionMnistPlugin,
  cifar10Plugin,
  cifar100Plugin,
  ...LARGE_IMAGE_DATASET_PLUGINS,
];
