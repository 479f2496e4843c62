/**
 * The `--export-partition` file: exactly `{"dataset", "numClasses", "trainIndices", "localTestIndices"}`
 * (core's `PartitionFile`), indices into the official splits, so a partition can be inspected, shared
 * and re-used across runs and implementations.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { ImageDataset, PartitionFile } from '@fedloge/core/data';

const KEYS = ['dataset', 'numClasses', 'trainIndices', 'localTestIndices'] as const;

/** JSON text of a partition, one client per line so the file stays readable and diffable. */
export function serializePartition(partition: PartitionFile): string {
  const rows = (lists: number[][]) => (lists.length === 0 ? '[]' : `[\n${lists.map((l) => `    ${JSON.stringify(l)}`).join(',\n')}\n  ]`);
  return (
    '{\n' +
    `  "dataset": ${JSON.stringify(partition.dataset)},\n` +
    `  "numClasses": ${JSON.stringify(partition.numClasses)},\n` +
    `  "trainIndices": ${rows(partition.trainIndices)},\n` +
    `  "localTestIndices": ${rows(partition.localTestIndices)}\n` +
    '}\n'
  );
}

export function writePartitionFile(path: string, partition: PartitionFile): void {
  writeFileSync(path, serializePartition(partition));
}

/** Read and validate a partition file against the loaded data set (see {@link validatePartition}). */
export function readPartitionFile(path: string, dataset: ImageDataset): PartitionFile {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`Partition file ${path} could not be read as JSON: ${(err as Error).message}`, { cause: err });
  }
  return validatePartition(value, dataset, `Partition file ${path}`);
}

/**
 * Check that `value` is a partition of `dataset`: the four keys and nothing else, the same data set name
 * and class count, as many local test sets as clients, integer indices within the official splits, no
 * train index given to two clients (or twice to one), no test index twice in one client's set.
 * Errors start with `where` and name the client and the offending index.
 */
export function validatePartition(value: unknown, dataset: ImageDataset, where = 'Partition'): PartitionFile {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${where}: expected a JSON object`);
  const record = value as Record<string, unknown>;
  for (const key of KEYS) if (!(key in record)) throw new Error(`${where}: missing key "${key}" (expected ${KEYS.join(', ')})`);
  const unexpected = Object.keys(record).filter((k) => !(KEYS as readonly string[]).includes(k));
  if (unexpected.length > 0)
    throw new Error(`${where}: unexpected key(s) ${unexpected.map((k) => `"${k}"`).join(', ')} (expected only ${KEYS.join(', ')})`);
  const { dataset: name, numClasses, trainIndices, localTestIndices } = record;
  if (name !== dataset.name) {
    throw new Error(`${where}: it is a partition of ${JSON.stringify(name)} but the loaded data set is "${dataset.name}"`);
  }
  if (numClasses !== dataset.numClasses) {
    throw new Error(`${where}: numClasses is ${JSON.stringify(numClasses)} but ${dataset.name} has ${dataset.numClasses} classes`);
  }
  const train = checkIndexLists(trainIndices, 'trainIndices', dataset.train.count, 'train', where);
  const test = checkIndexLists(localTestIndices, 'localTestIndices', dataset.test.count, 'test', where);
  if (train.length === 0) throw new Error(`${where}: trainIndices lists no client`);
  if (test.length !== train.length) {
    throw new Error(`${where}: trainIndices has ${train.length} clients but localTestIndices has ${test.length}`);
  }
  const owner = new Int32Array(dataset.train.count).fill(-1);
  train.forEach((list, k) =>
    list.forEach((index, j) => {
      if (owner[index] === k) throw new Error(`${where}: client ${k}, trainIndices[${k}][${j}] = ${index} appears twice in its train set`);
      if (owner[index] !== -1) {
        throw new Error(`${where}: client ${k}, trainIndices[${k}][${j}] = ${index} is already assigned to client ${owner[index]}`);
      }
      owner[index] = k;
    }),
  );
  test.forEach((list, k) => {
    const seen = new Set<number>();
    list.forEach((index, j) => {
      if (seen.has(index)) throw new Error(`${where}: client ${k}, localTestIndices[${k}][${j}] = ${index} appears twice in its test set`);
      seen.add(index);
    });
  });
  return { dataset: dataset.name, numClasses: dataset.numClasses, trainIndices: train, localTestIndices: test };
}

function checkIndexLists(value: unknown, key: string, count: number, split: string, where: string): number[][] {
  if (!Array.isArray(value)) throw new Error(`${where}: "${key}" must be an array with one index list per client`);
  return value.map((list: unknown, k) => {
    if (!Array.isArray(list)) throw new Error(`${where}: client ${k}, ${key}[${k}] must be an array of indices`);
    list.forEach((index: unknown, j) => {
      if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= count) {
        throw new Error(
          `${where}: client ${k}, ${key}[${k}][${j}] = ${JSON.stringify(index)} is not an index of the ${split} split (integers 0..${count - 1})`,
        );
      }
    });
    return list as number[];
  });
}
