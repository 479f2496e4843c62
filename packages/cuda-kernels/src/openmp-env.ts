/**
 * OpenMP settings the addon needs in the environment before it loads: libgomp reads them once, when the library is
 * loaded (dlopen of fedkern.node, which links libgomp), and has no call to change them later.
 *
 * The waiting policy. By default libgomp's idle threads spin for a while (GOMP_SPINCOUNT, 300 000 iterations) after
 * each parallel region before they sleep. A training step runs hundreds of short regions, so a run's helper threads
 * almost never sleep; two runs that each use every core then spin against each other's working threads and both
 * crawl (measured: two CIFAR-10 ResNet-8 runs side by side, 28.8 s for round 1 against 4.3 s with one thread each).
 * `OMP_WAIT_POLICY=passive` makes idle threads sleep at once, so a run that shares the cores gives them back; see
 * packages/cuda-kernels/BENCHMARKS.md for what it costs a run alone. A user's own OMP_WAIT_POLICY or GOMP_SPINCOUNT wins.
 *
 * Node's `process.env` writes reach the C environment (setenv) only on the main thread; worker threads get a copy.
 * That is enough: the workers of a run use one backend thread each, and one thread has no team that could spin.
 */

/** The variables set when the user has not chosen a waiting policy. */
export const OPENMP_DEFAULTS: Readonly<Record<string, string>> = { OMP_WAIT_POLICY: 'passive' };

/** Sets OPENMP_DEFAULTS in `env` unless the user chose a waiting policy; returns the names it set. */
export function applyOpenMpDefaults(env: NodeJS.ProcessEnv = process.env): string[] {
  if (env['OMP_WAIT_POLICY'] !== undefined || env['GOMP_SPINCOUNT'] !== undefined) return [];
  const set: string[] = [];
  for (const [name, value] of Object.entries(OPENMP_DEFAULTS)) {
    env[name] = value;
    set.push(name);
  }
  return set;
}
