import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PartitionFile } from '@fedloge/core/data';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRealFashionMnist } from './__fixtures__/real-data.js';
import type { InMemoryImageDataset } from './in-memory-image-dataset.js';
import { readPartitionFile, serializePartition, validatePartition, writePartitionFile } from './partition-file.js';

const partition: PartitionFile = {
  dataset: 'fashion-mnist',
  numClasses: 10,
  trainIndices: [[0, 5, 59999], [1, 2], []],
  localTestIndices: [[0, 9999], [0, 1], [3]],
};

describe('partition files (against the real Fashion-MNIST splits)', () => {
  let data: InMemoryImageDataset;
  const dir = mkdtempSync(join(tmpdir(), 'fedloge-partition-'));
  beforeAll(async () => {
    data = await loadRealFashionMnist();
  });

  it('writes exactly the four keys and reads back an equal partition', () => {
    const path = join(dir, 'p.json');
    writePartitionFile(path, partition);
    const raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(raw)).toEqual(['dataset', 'numClasses', 'trainIndices', 'localTestIndices']);
    expect(raw).toEqual(partition);
    expect(readPartitionFile(path, data)).toEqual(partition);
  });

  it('puts one client per line', () => {
    const lines = serializePartition(partition).split('\n');
    expect(lines).toContain('    [0,5,59999],');
    expect(lines).toContain('    [3]');
  });

  const broken = (patch: Record<string, unknown>) => ({ ...partition, ...patch });
  it.each([
    // each row is a file that must be refused, with the message that says what and where
    ['another data set', broken({ dataset: 'cifar10' }), 'it is a partition of "cifar10" but the loaded data set is "fashion-mnist"'],
    ['another class count', broken({ numClasses: 100 }), 'numClasses is 100 but fashion-mnist has 10 classes'],
    ['a missing key', { dataset: 'fashion-mnist', numClasses: 10, trainIndices: [] }, 'missing key "localTestIndices"'],
    ['an extra key', broken({ alpha: 0.5 }), 'unexpected key(s) "alpha"'],
    [
      'a train index past the split',
      broken({ trainIndices: [[0], [60000], []] }),
      'client 1, trainIndices[1][0] = 60000 is not an index of the train split (integers 0..59999)',
    ],
    ['a fractional index', broken({ trainIndices: [[0, 2.5], [1], []] }), 'client 0, trainIndices[0][1] = 2.5 is not an index'],
    [
      'a negative test index',
      broken({ localTestIndices: [[0], [1], [-1]] }),
      'client 2, localTestIndices[2][0] = -1 is not an index of the test split (integers 0..9999)',
    ],
    ['a string index', broken({ localTestIndices: [['3'], [1], [2]] }), 'client 0, localTestIndices[0][0] = "3" is not an index'],
    [
      'a train index given to two clients',
      broken({ trainIndices: [[0, 5], [7, 5], []] }),
      'client 1, trainIndices[1][1] = 5 is already assigned to client 0',
    ],
    [
      'a train index twice in one client',
      broken({ trainIndices: [[4, 4], [], []] }),
      'client 0, trainIndices[0][1] = 4 appears twice in its train set',
    ],
    [
      'a test index twice in one client',
      broken({ localTestIndices: [[1, 1], [], []] }),
      'client 0, localTestIndices[0][1] = 1 appears twice',
    ],
    ['fewer test sets than clients', broken({ localTestIndices: [[1], [2]] }), 'trainIndices has 3 clients but localTestIndices has 2'],
    ['a client that is not a list', broken({ trainIndices: [[0], 7, []] }), 'client 1, trainIndices[1] must be an array of indices'],
    ['no clients', broken({ trainIndices: [], localTestIndices: [] }), 'trainIndices lists no client'],
    ['an array at the top', [partition], 'expected a JSON object'],
  ])('refuses %s', (_what, value, message) => {
    expect(() => validatePartition(value, data, 'Partition file p.json')).toThrow(`Partition file p.json: ${message}`);
  });

  it('names the file when it is not JSON', () => {
    const path = join(dir, 'broken.json');
    writeFileSync(path, '{"dataset": "fashion-mnist",');
    expect(() => readPartitionFile(path, data)).toThrow(`Partition file ${path} could not be read as JSON`);
  });
});
