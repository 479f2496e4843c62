import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { classHistogram } from '@fedloge/core/data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MINI_CLASSES,
  MINI_TEST_PER_CLASS,
  MINI_TRAIN_COUNTS,
  writeImageNetLtMiniature,
  type ImageNetLtMiniature,
} from './__fixtures__/image-miniature.js';
import { loadImageFolderList } from './image-folder-list.js';
import { parseImageList } from './image-list-file.js';

describe('image folder + list files (the generic loader)', () => {
  let mini: ImageNetLtMiniature;

  beforeAll(async () => {
    mini = await writeImageNetLtMiniature();
    copyFileSync(join(mini.listDir, 'ImageNet_LT_train.txt'), join(mini.root, 'my-train.txt'));
    copyFileSync(join(mini.listDir, 'ImageNet_LT_test.txt'), join(mini.root, 'my-test.txt'));
  });

  afterAll(() => rmSync(mini.root, { recursive: true, force: true }));

  it('reads any folder with two list files, its classes implied by the labels or given', async () => {
    const data = await loadImageFolderList({
      dataDir: mini.root,
      trainList: 'my-train.txt',
      testList: 'my-test.txt',
      resolution: 8,
      imageCacheDir: join(mini.root, 'cache'),
    });
    expect(data.name).toBe('image-list');
    expect(data.numClasses).toBe(MINI_CLASSES);
    expect(data.longTailed).toBe(true);
    expect(
      classHistogram(
        data.train.labels,
        Array.from({ length: data.train.count }, (_, i) => i),
        MINI_CLASSES,
      ),
    ).toEqual(MINI_TRAIN_COUNTS);
    expect(data.test.count).toBe(MINI_CLASSES * MINI_TEST_PER_CLASS);
    data.close();
    const wider = await loadImageFolderList({
      dataDir: mini.root,
      trainList: 'my-train.txt',
      testList: 'my-test.txt',
      numClasses: 25,
      resolution: 8,
      imageCacheDir: join(mini.root, 'cache'),
    });
    expect(wider.numClasses).toBe(25);
    wider.close();
    await expect(
      loadImageFolderList({ dataDir: mini.root, trainList: 'my-train.txt', testList: 'my-test.txt', numClasses: 5, resolution: 8 }),
    ).rejects.toThrow('numClasses is 5 but the lists use class numbers up to 19');
    await expect(loadImageFolderList({ dataDir: mini.root })).rejects.toThrow(
      'needs --data-dir <image folder>, --train-list <file> and --test-list <file>',
    );
  });

  it('parses list lines, keeping spaces in paths, and names the file and line of a bad one', () => {
    expect(parseImageList('a/b c.jpg 3\n\nd.JPEG 0\r\n', 'l.txt')).toEqual([
      { path: 'a/b c.jpg', label: 3 },
      { path: 'd.JPEG', label: 0 },
    ]);
    expect(() => parseImageList('a.jpg 1\nb.jpg cat\n', 'l.txt')).toThrow(
      'l.txt:2: expected "<image path relative to the image root> <class number>"',
    );
    expect(() => parseImageList('\n', 'l.txt')).toThrow('l.txt lists no images');
  });
});
