/**
 * ImageNet-LT (Liu et al., "Large-Scale Long-Tailed Recognition in an Open World", CVPR 2019): a
 * long-tailed subset of ImageNet-2012 — 115 846 training images over 1 000 classes, 1 280 down to 5
 * per class — with balanced validation (20 per class) and test (50 per class, drawn from ImageNet's
 * validation set) splits. It cannot be downloaded automatically (ImageNet's terms of access): the user
 * points `dataDir` at an ImageNet root (`train/<wnid>/…`, `val/<wnid>/…`) and supplies the three list
 * files of the OLTR release.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { classCountOf, readImageList, type ImageListEntry } from './image-list-file.js';
import { loadListedImageDataset, type ImageCacheOptions } from './image-list-dataset.js';
import type { StreamedImageDataset } from './streamed-image-dataset.js';

export const IMAGENET_LT_LIST_FILES = {
  train: 'ImageNet_LT_train.txt',
  val: 'ImageNet_LT_val.txt',
  test: 'ImageNet_LT_test.txt',
} as const;

export interface ImageNetLtOptions extends ImageCacheOptions {
  /** The ImageNet root the list paths are relative to (holds `train/` and `val/`). */
  readonly dataDir?: string;
  /** Folder of the list files. @default `dataDir`, then `dataDir/ImageNet_LT` */
  readonly listDir?: string;
  /** The balanced split used as the global test set (local test sets are drawn from it). @default 'test' */
  readonly evalSplit?: 'test' | 'val';
}

/** Load ImageNet-LT from its list files, preprocessing the images into the decoded cache once. */
export async function loadImageNetLt(options: ImageNetLtOptions = {}): Promise<StreamedImageDataset> {
  if (options.dataDir === undefined) {
    throw new Error(
      'ImageNet-LT cannot be downloaded automatically (ImageNet is distributed only to registered users). ' +
        'Pass --data-dir <ImageNet root holding train/ and val/> and put ImageNet_LT_train.txt and ImageNet_LT_test.txt ' +
        'there or in --list-dir <folder>; packages/datasets/README.md says where to get them.',
    );
  }
  const root = resolve(options.dataDir);
  const evalSplit = options.evalSplit ?? 'test';
  const candidates = options.listDir !== undefined ? [resolve(options.listDir)] : [root, join(root, 'ImageNet_LT')];
  const listDir = candidates.find((d) => existsSync(join(d, IMAGENET_LT_LIST_FILES.train)));
  if (listDir === undefined) {
    throw new Error(
      `${IMAGENET_LT_LIST_FILES.train} was not found in ${candidates.join(' or ')}; put the ImageNet-LT list files there or name their folder with --list-dir`,
    );
  }
  const trainFile = join(listDir, IMAGENET_LT_LIST_FILES.train);
  const testFile = join(listDir, IMAGENET_LT_LIST_FILES[evalSplit]);
  const train = readImageList(trainFile, 'the ImageNet-LT train list');
  const test = readImageList(testFile, `the ImageNet-LT ${evalSplit} list`);
  const numClasses = classCountOf(train.entries, test.entries);
  return loadListedImageDataset(
    {
      name: 'imagenet-lt',
      imageRoot: root,
      numClasses,
      classNames: wordNetIds(train.entries, numClasses),
      train: { entries: train.entries, source: trainFile, sourceBytes: train.bytes },
      test: { entries: test.entries, source: testFile, sourceBytes: test.bytes },
      sourceLabel: `ImageNet-LT list files ${trainFile} and ${testFile}`,
    },
    options,
  );
}

/**
 * Class names from the image folders: ImageNet keeps class c's images in `train/<WordNet id>/`, so
 * the folder of a class's first listed image names it (e.g. `n01440764`); `class <c>` when absent.
 */
function wordNetIds(entries: readonly ImageListEntry[], numClasses: number): string[] {
  const names = Array.from({ length: numClasses }, (_, c) => `class ${c}`);
  const seen = new Set<number>();
  for (const e of entries) {
    if (seen.has(e.label)) continue;
    seen.add(e.label);
    names[e.label] = basename(dirname(e.path));
  }
  return names;
}
