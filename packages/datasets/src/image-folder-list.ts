/**
 * Any image-classification data set laid out like ImageNet-LT: an image folder plus two list
 * files of `relative/path label` lines, one for training and one for the (balanced) test split.
 * The train split is used as it is, its long tail being the data set's own.
 */
import { isAbsolute, join, resolve } from 'node:path';
import { classCountOf, readImageList } from './image-list-file.js';
import { loadListedImageDataset, type ImageCacheOptions } from './image-list-dataset.js';
import type { StreamedImageDataset } from './streamed-image-dataset.js';

export interface ImageFolderListOptions extends ImageCacheOptions {
  /** The folder the list paths are relative to. */
  readonly dataDir?: string;
  /** Train list file (relative paths resolve against `listDir`, else `dataDir`). */
  readonly trainList?: string;
  /** Test list file (relative paths resolve against `listDir`, else `dataDir`). */
  readonly testList?: string;
  /** Folder the list file names are relative to. @default `dataDir` */
  readonly listDir?: string;
  /** Number of classes. @default the largest label in the lists + 1 */
  readonly numClasses?: number;
}

/** Load a folder + list-file data set, preprocessing the images into the decoded cache once. */
export async function loadImageFolderList(options: ImageFolderListOptions = {}): Promise<StreamedImageDataset> {
  const { dataDir, trainList, testList } = options;
  if (dataDir === undefined || trainList === undefined || testList === undefined) {
    throw new Error(
      'The image-list data set needs --data-dir <image folder>, --train-list <file> and --test-list <file> ' +
        '(lines "<path relative to the image folder> <class number>")',
    );
  }
  const root = resolve(dataDir);
  const listDir = resolve(options.listDir ?? root);
  const locate = (file: string) => (isAbsolute(file) ? file : join(listDir, file));
  const trainFile = locate(trainList);
  const testFile = locate(testList);
  const train = readImageList(trainFile, 'the train list');
  const test = readImageList(testFile, 'the test list');
  const implied = classCountOf(train.entries, test.entries);
  const numClasses = options.numClasses ?? implied;
  if (!(Number.isInteger(numClasses) && numClasses >= implied)) {
    throw new RangeError(`numClasses is ${numClasses} but the lists use class numbers up to ${implied - 1}`);
  }
  return loadListedImageDataset(
    {
      name: 'image-list',
      imageRoot: root,
      numClasses,
      train: { entries: train.entries, source: trainFile, sourceBytes: train.bytes },
      test: { entries: test.entries, source: testFile, sourceBytes: test.bytes },
      sourceLabel: `list files ${trainFile} and ${testFile}`,
    },
    options,
  );
}
