import type { Rng } from '@fedloge/core/data';

/** How a client's classes are chosen (flwr-datasets PathologicalPartitioner's class_assignment_mode). */
export type ClassAssignment = 'first-deterministic' | 'deterministic' | 'random';
export const CLASS_ASSIGNMENTS: readonly ClassAssignment[] = ['first-deterministic', 'deterministic', 'random'];

/**
 * Pathological split (flwr-datasets' PathologicalPartitioner): client k holds `classesPerClient` classes —
 * 'first-deterministic': class k mod C, then distinct random others; 'deterministic': k, k+1, … (mod C);
 * 'random': distinct random classes. Each class's images are shuffled and cut into near-equal parts,
 * one per client holding it (ascending client id). Images of a class no client holds are left out.
 * Returns each client's indices, ascending.
 */
export function pathologicalPartition(
  indices: readonly number[],
  labels: ArrayLike<number>,
  numClasses: number,
  options: { readonly numClients: number; readonly classesPerClient: number; readonly classAssignment: ClassAssignment },
  rng: Rng,
): number[][] {
  const { numClients, classesPerClient, classAssignment } = options;
  if (!Number.isInteger(numClients) || numClients < 1) throw new RangeError(`numClients must be a positive integer but is ${numClients}`);
  if (!Number.isInteger(classesPerClient) || classesPerClient < 1 || classesPerClient > numClasses) {
    throw new RangeError(
      `dataset.classesPerClient must be an integer in [1, ${numClasses}] (the number of classes) but is ${classesPerClient}`,
    );
  }
  if (!CLASS_ASSIGNMENTS.includes(classAssignment)) {
    throw new RangeError(
      `dataset.classAssignment must be one of ${CLASS_ASSIGNMENTS.join(', ')} but is ${JSON.stringify(classAssignment)}`,
    );
  }
  const classesOf = Array.from({ length: numClients }, (_, k) => clientClasses(k, numClasses, classesPerClient, classAssignment, rng));
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  for (const i of indices) byClass[labels[i]!]!.push(i);
  const clients: number[][] = Array.from({ length: numClients }, () => []);
  byClass.forEach((members, c) => {
    const holders = classesOf.flatMap((classes, k) => (classes.includes(c) ? [k] : []));
    if (holders.length === 0) return;
    const shuffled = rng.shuffle([...members]);
    const base = Math.floor(shuffled.length / holders.length);
    const extra = shuffled.length % holders.length;
    let start = 0;
    holders.forEach((k, j) => {
      const size = base + (j < extra ? 1 : 0);
      clients[k]!.push(...shuffled.slice(start, start + size));
      start += size;
    });
  });
  return clients.map((c) => c.sort((a, b) => a - b));
}

function clientClasses(k: number, numClasses: number, count: number, mode: ClassAssignment, rng: Rng): number[] {
  if (mode === 'deterministic') return Array.from({ length: count }, (_, j) => (k + j) % numClasses);
  if (mode === 'random') return rng.sampleWithoutReplacement(numClasses, count);
  const first = k % numClasses;
  const others = rng.sampleWithoutReplacement(numClasses - 1, count - 1).map((c) => (c >= first ? c + 1 : c));
  return [first, ...others];
}
