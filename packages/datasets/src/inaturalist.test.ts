import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Rng, classHistogram } from '@fedloge/core/data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MINI_CLASSES,
  MINI_TRAIN_COUNTS,
  classColour,
  writeINaturalistMiniature,
  type INaturalistMiniature,
} from './__fixtures__/image-miniature.js';
import { parseCocoAnnotations } from './coco-annotations.js';
import { buildFederatedData } from './federated-data.js';
import { splitFile } from './image-cache.js';
import { loadINaturalist2018 } from './inaturalist.js';
import type { StreamedImageDataset } from './streamed-image-dataset.js';

const SIDE = 8;

describe('iNaturalist 2018 from its COCO-style annotation files (generated miniature)', () => {
  let mini: INaturalistMiniature;
  let data: StreamedImageDataset;

  beforeAll(async () => {
    mini = await writeINaturalistMiniature();
    data = await loadINaturalist2018({ dataDir: mini.root, resolution: SIDE, imageCacheDir: join(mini.root, 'cache'), concurrency: 2 });
  });

  afterAll(() => {
    data.close();
    rmSync(mini.root, { recursive: true, force: true });
  });

  it('numbers the classes by sorted category id and names them, with the long tail as annotated', () => {
    expect(data.name).toBe('inat2018');
    expect(data.numClasses).toBe(MINI_CLASSES);
    expect(data.classNames).toEqual(Array.from({ length: MINI_CLASSES }, (_, c) => `Species ${c}`));
    expect(data.imageShape).toEqual([SIDE, SIDE, 3]);
    expect(
      classHistogram(
        data.train.labels,
        Array.from({ length: data.train.count }, (_, i) => i),
        MINI_CLASSES,
      ),
    ).toEqual(MINI_TRAIN_COUNTS);
    expect(
      classHistogram(
        data.test.labels,
        Array.from({ length: data.test.count }, (_, i) => i),
        MINI_CLASSES,
      ),
    ).toEqual(Array(MINI_CLASSES).fill(3));
    expect(data.failedImages).toEqual({ train: [], test: [] });
  });

  it('labels each image with its annotation: the stored pixels have the class colour', () => {
    const pixels = readFileSync(splitFile(join(mini.root, 'cache'), 'test', 'pixels'));
    for (let i = 0; i < data.test.count; i++) {
      // The centre pixel of the 8 × 8 record.
      const o = (data.test.records[i]! * SIDE * SIDE + 4 * SIDE + 4) * 3;
      const want = classColour(data.test.labels[i]!);
      for (let c = 0; c < 3; c++) expect(Math.abs(pixels[o + c]! - want[c]!)).toBeLessThan(8);
    }
  });

  it('partitions every train image over the clients; local test sets come from the val split', () => {
    const built = buildFederatedData({ dataset: data, numClients: 5, alpha: 0.1, imbalanceFactor: 0.5, rng: new Rng(3) });
    expect(built.partition.trainIndices.flat().length).toBe(data.train.count);
    expect(built.ltCounts).toEqual(MINI_TRAIN_COUNTS);
  });

  it('rejects malformed annotation files with the file and the reason', () => {
    expect(() => parseCocoAnnotations({ images: [] }, 'x.json')).toThrow(
      'x.json: "annotations" is missing; expected a COCO-style annotation file',
    );
    expect(() => parseCocoAnnotations({ images: [{ id: 1, file_name: 'a.jpg' }], annotations: [], categories: [] }, 'x.json')).toThrow(
      'x.json: image 1 (a.jpg) has no annotation',
    );
    const bad = join(mini.root, 'bad');
    return expect(loadINaturalist2018({ dataDir: mini.root, listDir: bad })).rejects.toThrow(
      `${join(bad, 'train2018.json')} was not found`,
    );
  });
});
