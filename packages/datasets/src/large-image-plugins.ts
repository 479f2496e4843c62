/**
 * The large image data sets (ImageNet-LT, iNaturalist 2018, any folder + list file) as dataset
 * plugins. They are never downloaded (licences), and their first load decodes every image once into
 * a cache (see preprocess-images.ts); the plugin context's progress, failure and stop hooks reach
 * that pass, so a host can show it and interrupt it resumably.
 */
import { z } from 'zod';
import type { DatasetContext, DatasetPlugin } from '@fedloge/core/data';
import { loadImageFolderList } from './image-folder-list.js';
import type { ImageCacheOptions } from './image-list-dataset.js';
import { loadImageNetLt } from './imagenet-lt.js';
import { loadINaturalist2018 } from './inaturalist.js';

const cacheOptions = {
  resolution: z.number().int().min(8).optional().describe('Shorter side of the decoded images in the cache, in pixels (default 256).'),
  imageSize: z
    .number()
    .int()
    .min(8)
    .optional()
    .describe('Side of the crops the model sees, at most resolution (default 224, or resolution when smaller).'),
  imageCacheDir: z.string().min(1).optional().describe('Folder of the decoded cache (default under $FEDLOGE_CACHE or ~/.cache/fedloge).'),
  listDir: z.string().min(1).optional().describe('Folder of the list / annotation files (default: the data folder).'),
};

export const imageNetLtOptions = z.strictObject({
  ...cacheOptions,
  evalSplit: z.enum(['test', 'val']).optional().describe('The balanced split used as the test set (default test).'),
});
export const iNaturalistOptions = z.strictObject(cacheOptions);
export const imageListOptions = z.strictObject({
  ...cacheOptions,
  trainList: z.string().min(1).optional().describe('Train list file (lines "<path relative to dataDir> <class>").'),
  testList: z.string().min(1).optional().describe('Test list file, same format.'),
  numClasses: z.number().int().min(1).optional().describe('Number of classes (default: the largest label + 1).'),
});

/** The cache-pass hooks and data folder of a plugin context, in the loaders' option names. */
function cachePass(ctx: DatasetContext<unknown>): ImageCacheOptions & { dataDir?: string } {
  const { onPreparationProgress, onItemFailed, signal } = ctx;
  return {
    ...(ctx.dataDir !== undefined ? { dataDir: ctx.dataDir } : {}),
    ...(onPreparationProgress
      ? { onPreprocessProgress: (p) => onPreparationProgress({ stage: p.split, done: p.done, total: p.total, failed: p.failed }) }
      : {}),
    ...(onItemFailed ? { onImageFailed: (split, image) => onItemFailed({ stage: split, path: image.path, reason: image.reason }) } : {}),
    ...(signal ? { signal } : {}),
  };
}

export const imageNetLtPlugin: DatasetPlugin<z.output<typeof imageNetLtOptions>> = {
  kind: 'dataset',
  name: 'imagenet-lt',
  description:
    'ImageNet-LT: 1 000 classes, 115 846 long-tailed train images (1 280 → 5 per class); an ImageNet folder plus the LT list files',
  options: imageNetLtOptions,
  load: (ctx) => loadImageNetLt({ ...ctx.options, ...cachePass(ctx) }),
};

export const iNaturalist2018Plugin: DatasetPlugin<z.output<typeof iNaturalistOptions>> = {
  kind: 'dataset',
  name: 'inat2018',
  description: 'iNaturalist 2018: 8 142 species, 437 513 naturally long-tailed train images; COCO-style train2018.json / val2018.json',
  options: iNaturalistOptions,
  load: (ctx) => loadINaturalist2018({ ...ctx.options, ...cachePass(ctx) }),
};

export const imageListPlugin: DatasetPlugin<z.output<typeof imageListOptions>> = {
  kind: 'dataset',
  name: 'image-list',
  description: 'Any image folder with a train and a test list file (lines "<relative path> <class number>")',
  options: imageListOptions,
  load: (ctx) => loadImageFolderList({ ...ctx.options, ...cachePass(ctx) }),
};

export const LARGE_IMAGE_DATASET_PLUGINS: readonly DatasetPlugin[] = [imageNetLtPlugin, iNaturalist2018Plugin, imageListPlugin];
