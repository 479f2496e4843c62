/**
 * Which state keys belong to BatchNorm layers, found from the state itself rather than from
 * layer names.
 *
 * The FedLoGe reference picks FedBN's personal keys by the substring "bn", which misses the
 * BatchNorm inside downsampling shortcuts (`shortcut.1.*`), so those are aggregated by mistake
 * (docs/baselines.md#fedbn). Here a BatchNorm layer is recognised by what only BatchNorm owns: a
 * running-statistics buffer. Every key under the same layer prefix (its affine scale and shift as
 * well as its running mean and variance) is a BatchNorm key, whatever the layer is called.
 */

/** Last path segments that name a BatchNorm running-statistics buffer, across naming conventions. */
const RUNNING_STAT_NAMES = new Set(['runningMean', 'runningVar', 'running_mean', 'running_var', 'movingMean', 'movingVariance']);

/**
 * The keys of `keys` that belong to a BatchNorm layer: every key sharing its layer prefix with a
 * running-statistics buffer (e.g. `layer1.0.shortcut.1.runningMean` marks
 * `layer1.0.shortcut.1.gamma`, `.beta`, `.runningMean` and `.runningVar`).
 */
export function batchNormKeys(keys: Iterable<string>): Set<string> {
  const all = [...keys];
  const layerPrefixes = new Set<string>();
  for (const key of all) {
    const dot = key.lastIndexOf('.');
    if (dot > 0 && RUNNING_STAT_NAMES.has(key.slice(dot + 1))) layerPrefixes.add(key.slice(0, dot + 1));
  }
  return new Set(
    all.filter((key) => {
      const dot = key.lastIndexOf('.');
      return dot > 0 && layerPrefixes.has(key.slice(0, dot + 1));
    }),
  );
}
