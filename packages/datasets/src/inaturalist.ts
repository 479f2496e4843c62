/**
 * iNaturalist 2018 (Van Horn et al., "The iNaturalist Species Classification and Detection
 * Dataset", CVPR 2018): 437 513 training images of 8 142 species, naturally long-tailed, and a
 * validation set of 3 images per species (24 426), used as the balanced test set. The annotation
 * files `train2018.json` and `val2018.json` are COCO-style; their `file_name`s are relative to the
 * folder that holds `train_val2018/`. Downloading requires accepting the competition's terms, so the
 * user points `dataDir` at an extracted copy.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseCocoAnnotations, relabelByCategory, type CocoSplit } from './coco-annotations.js';
import { loadListedImageDataset, type ImageCacheOptions } from './image-list-dataset.js';
import type { StreamedImageDataset } from './streamed-image-dataset.js';

export const INATURALIST_2018_FILES = { train: 'train2018.json', val: 'val2018.json' } as const;

export interface INaturalistOptions extends ImageCacheOptions {
  /** The folder the annotations' `file_name`s are relative to (holds `train_val2018/`). */
  readonly dataDir?: string;
  /** Folder of `train2018.json` and `val2018.json`. @default `dataDir` */
  readonly listDir?: string;
}

function readAnnotations(path: string): { split: CocoSplit; bytes: Buffer } {
  if (!existsSync(path))
    throw new Error(`The iNaturalist 2018 annotation file ${path} was not found; put it there or name its folder with --list-dir`);
  const bytes = readFileSync(path);
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw new Error(`${path} is not valid JSON (${(e as Error).message}); download the annotation file again`, { cause: e });
  }
  return { split: parseCocoAnnotations(json, path), bytes };
}

/** Load iNaturalist 2018 from its annotation files, preprocessing the images into the decoded cache once. */
export async function loadINaturalist2018(options: INaturalistOptions = {}): Promise<StreamedImageDataset> {
  if (options.dataDir === undefined) {
    throw new Error(
      'iNaturalist 2018 cannot be downloaded automatically (its terms must be accepted first). Pass --data-dir <folder holding ' +
        'train_val2018/> and put train2018.json and val2018.json there or in --list-dir <folder>; packages/datasets/README.md says where to get them.',
    );
  }
  const root = resolve(options.dataDir);
  const listDir = resolve(options.listDir ?? root);
  const trainFile = join(listDir, INATURALIST_2018_FILES.train);
  const valFile = join(listDir, INATURALIST_2018_FILES.val);
  const train = readAnnotations(trainFile);
  const val = readAnnotations(valFile);
  const categories = [...train.split.categories].sort((a, b) => a.id - b.id);
  return loadListedImageDataset(
    {
      name: 'inat2018',
      imageRoot: root,
      numClasses: categories.length,
      classNames: categories.map((c) => c.name),
      train: { entries: relabelByCategory(train.split, categories, trainFile), source: trainFile, sourceBytes: train.bytes },
      test: { entries: relabelByCategory(val.split, categories, valFile), source: valFile, sourceBytes: val.bytes },
      sourceLabel: `iNaturalist 2018 annotation files ${trainFile} and ${valFile}`,
    },
    options,
  );
}
