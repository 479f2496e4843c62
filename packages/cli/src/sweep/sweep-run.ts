/**
 * `sweep`: the cartesian product of config values (the axes of `--set`) × seeds, each pair a
 * normal run folder `<out>/<point>/seed-<s>/`, then one comparison (compare.md/csv, report.html)
 * with a row per point, mean ± std over its seeds, written by compare's own code. Every point's
 * config is resolved and its plugin options checked before anything runs, and all problems are
 * reported at once, naming the point. Points with the same data settings share one partition per
 * seed, as compare's strategies do. Re-running the same sweep skips its completed points and
 * resumes interrupted ones (sweep-resume.ts).
 */
import { join, resolve } from 'node:path';
import { ConfigError } from '../config/errors.js';
import type { ParsedConfigArgs } from '../config/flags.js';
import type { ConfigLayer } from '../config/merge.js';
import { resolveConfig, type ResolvedConfig } from '../config/resolve.js';
import type { RunConfig } from '../config/schema.js';
import { writeComparison, type CompareRunEntry } from '../compare/compare-run.js';
import { RunDirectory, defaultRunDirectory } from '../output/run-directory.js';
import { checkPluginChoices } from '../run/check-plugins.js';
import { trainRun, type TrainIo } from '../run/train-run.js';
import { buildPluginContainer } from '../runtime/plugin-container.js';
import { loadRunData, type RunData } from '../runtime/run-data.js';
import { SET_FLAG, type SweepAxis } from './sweep-flags.js';
import { sweepPoints, withValue, type SweepPoint } from './sweep-points.js';
import { keepResult, pointState } from './sweep-resume.js';

export interface SweepOptions {
  /** Seeds of every point; default: the config's seed. */
  readonly seeds?: readonly number[];
  /** Rows for every variant each point reports (default), or only the headline. */
  readonly variants?: boolean;
  /** The --config file's layer without its `sweep:` section (sweep-file.ts), used instead of the file. */
  readonly fileLayer?: ConfigLayer;
}

export interface SweepOutcome {
  readonly outDir: string;
  /** One finished run per point and seed, points in product order, then seeds. */
  readonly runs: readonly CompareRunEntry[];
}

/** A point with its resolved config. */
interface ResolvedPoint extends SweepPoint {
  readonly resolved: ResolvedConfig;
}

export async function sweepRun(
  args: ParsedConfigArgs,
  axes: readonly SweepAxis[],
  io: TrainIo,
  options: SweepOptions = {},
): Promise<SweepOutcome> {
  const startedAt = new Date();
  const points = resolvePoints(args, axes, io.cwd, options.fileLayer);
  const base = points[0]!.resolved;
  const container = await buildPluginContainer(base.config.plugins, io.cwd);
  const problems: string[] = [];
  for (const p of points) {
    try {
      checkPluginChoices(container, p.resolved.config);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      problems.push(...e.problems.map((line) => `${p.label}: ${line}`));
    }
  }
  if (problems.length > 0) throw new ConfigError([...new Set(problems)], 'Cannot sweep');

  const seeds = options.seeds ?? [base.config.seed];
  const top = new RunDirectory(
    base.config.out !== undefined ? resolve(io.cwd, base.config.out) : defaultRunDirectory(io.cwd, 'sweep', startedAt),
  );
  top.ensure();
  const total = points.length * seeds.length;
  io.stderr.write(
    `sweep of ${axes.map((a) => a.key).join(' × ')} (${points.length} points × ${seeds.length} seeds = ${total} runs) in ${top.path}\n`,
  );

  // One partition per data setting and seed, shared by the points that agree on it.
  const data = new Map<string, RunData>();
  const dataFor = async (config: RunConfig): Promise<RunData> => {
    const key = dataKey(config);
    if (!data.has(key)) data.set(key, io.runData ?? (await loadRunData(config, container, io.logger)));
    return data.get(key)!;
  };
  const runs: CompareRunEntry[] = [];
  const dataOfRun = new Map<CompareRunEntry, RunData>();
  for (const p of points) {
    for (const seed of seeds) {
      const progress = `point ${runs.length + 1}/${total} (${p.label}, seed ${seed})`;
      const config: RunConfig = { ...p.resolved.config, seed, out: join(top.path, p.folder, `seed-${seed}`) };
      const state = pointState(config.out!, config);
      const runData = await dataFor(config);
      let entry: CompareRunEntry;
      if (state.kind === 'done') {
        io.stderr.write(`\n${progress}: completed earlier, kept (${config.out})\n`);
        entry = { strategy: p.label, seed, outcome: state.outcome };
      } else {
        io.stderr.write(`\n${progress}${state.kind === 'resume' ? `: resuming after round ${state.checkpoint.checkpoint.round}` : ''}\n`);
        try {
          const outcome = await trainRun(
            { config, configFile: p.resolved.configFile },
            { ...io, runData },
            state.kind === 'resume' ? { resume: state.checkpoint } : {},
          );
          keepResult(config.out!, outcome.result);
          entry = { strategy: p.label, seed, outcome };
        } catch (e) {
          throw new Error(`sweep ${progress} failed: ${(e as Error).message}`, { cause: e });
        }
      }
      runs.push(entry);
      dataOfRun.set(entry, runData);
    }
  }
  writeComparison(top, base.config, runs, {
    dataOf: (r) => dataOfRun.get(r)!,
    startedAt,
    seeds,
    variants: options.variants ?? true,
    chosen: {},
    stdout: io.stdout,
    leadSettings: [['sweep', axes.map((a) => `${a.key} ∈ {${a.values.map(String).join(', ')}}`).join('; ')]],
  });
  return { outDir: top.path, runs };
}

/** Every point's config (defaults < file < flags < the point's values); all invalid points at once. */
function resolvePoints(
  args: ParsedConfigArgs,
  axes: readonly SweepAxis[],
  cwd: string,
  fileLayer: ConfigLayer | undefined,
): ResolvedPoint[] {
  const configFile = args.configFile === undefined ? undefined : resolve(cwd, args.configFile);
  const problems: string[] = [];
  const out: ResolvedPoint[] = [];
  for (const point of sweepPoints(axes)) {
    let values = args.layer.values;
    for (const [key, value] of point.values) values = withValue(values, key, value);
    const swept = new Map(point.values.map(([k, v]) => [k, v]));
    const layer = {
      values,
      describe: (path: readonly string[]) => {
        const key = path.join('.');
        return swept.has(key) ? `--${SET_FLAG} ${key}=${String(swept.get(key))}` : args.layer.describe(path);
      },
    };
    try {
      const { config } = fileLayer
        ? resolveConfig({ ...args, configFile: undefined, layer }, cwd, [fileLayer])
        : resolveConfig({ ...args, layer }, cwd);
      out.push({ ...point, resolved: { config, configFile } });
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      problems.push(...e.problems.map((line) => `${point.label}: ${line}`));
    }
  }
  if (problems.length > 0) throw new ConfigError(problems, 'Cannot sweep: some points are invalid');
  return out;
}

/** What decides a run's data and partition (see loadRunData): points equal on it share one. */
function dataKey(config: RunConfig): string {
  return JSON.stringify([config.dataset, config.partition ?? null, config.clients.total, config.seed]);
}
