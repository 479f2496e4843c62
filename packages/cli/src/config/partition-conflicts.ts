/**
 * `partition` (a partition file) fixes the long-tailed subset and the client split, so the dataset
 * settings that would otherwise draw them have no effect. Giving one of them as a flag together with
 * a partition is refused rather than silently ignored. (From a config file they are tolerated, since
 * one file serves runs with and without `--partition`; summary.json then lists them as unused.)
 */

/** The dataset settings a partition file replaces. */
export const REPLACED_BY_PARTITION = [
  'imbalanceFactor',
  'alpha',
  'iid',
  'minClientSize',
  'partition',
  'shardsPerClient',
  'classesPerClient',
  'classAssignment',
] as const;
const FLAG_OF: Readonly<Record<string, string>> = {
  imbalanceFactor: '--imbalance-factor',
  alpha: '--alpha',
  iid: '--iid',
  partition: '--partition-scheme',
  shardsPerClient: '--shards-per-client',
  classesPerClient: '--classes-per-client',
};

/**
 * One problem line per replaced setting given on the command line (`flagValues`, the flags' layer)
 * while the merged config (`merged`) reads a partition file.
 */
export function partitionConflicts(flagValues: Readonly<Record<string, unknown>>, merged: Readonly<Record<string, unknown>>): string[] {
  const partition = merged['partition'];
  if (partition === undefined) return [];
  const dataset = isPlain(flagValues['dataset']) ? flagValues['dataset'] : {};
  return REPLACED_BY_PARTITION.filter((key) => dataset[key] !== undefined).map((key) => {
    const flag = FLAG_OF[key] ?? `dataset.${key}`;
    return (
      `dataset.${key}: ${flag} ${JSON.stringify(dataset[key])} has no effect together with partition ${JSON.stringify(partition)}, ` +
      `whose file fixes the long-tailed subset and the client split; drop ${flag}, or drop the partition to draw a new split.`
    );
  });
}

function isPlain(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
