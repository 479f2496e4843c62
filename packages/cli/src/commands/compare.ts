/**
 * `fedloge compare --strategies a,b,…`: train several strategies on one partition and seed, and
 * write a comparison (compare.md, compare.csv, report.html) above their run folders.
 */
import { listPlugins } from '@fedloge/core';
import { UsageError } from '../config/errors.js';
import { parseConfigArgs } from '../config/flags.js';
import { formatFlagHelp } from '../config/help.js';
import { resolveConfig } from '../config/resolve.js';
import { SEEDS_FLAG, VARIANTS_FLAG, takeCompareFlags } from '../compare/compare-flags.js';
import { compareRun } from '../compare/compare-run.js';
import { STRATEGIES_FLAG, takeStrategiesFlag } from '../compare/strategies-flag.js';
import { buildPluginContainer } from '../runtime/plugin-container.js';
import type { Command, CommandContext } from './command.js';
import { reportError } from './report-error.js';
import { streamLogger } from './train.js';

export const compareCommand: Command = {
  name: 'compare',
  summary: 'Train several strategies on the same partition and seed, and compare them (compare.md/csv, report.html).',
  async run(ctx: CommandContext): Promise<number> {
    try {
      const { strategies, rest: afterStrategies } = takeStrategiesFlag(ctx.argv);
      const { seeds, variants, chosen, rest } = takeCompareFlags(afterStrategies);
      const args = parseConfigArgs(rest, ctx.cwd);
      if (args.help) {
        ctx.stdout.write(await compareHelp());
        return 0;
      }
      if (strategies === undefined) {
        throw new UsageError(`compare needs --${STRATEGIES_FLAG} <a,b,…>, e.g. --${STRATEGIES_FLAG} fedavg,fedprox (see --help).`);
      }
      if ((args.layer.values['strategy'] as { name?: unknown } | undefined)?.name !== undefined) {
        throw new UsageError(`compare runs the strategies of --${STRATEGIES_FLAG}; leave out --strategy.`);
      }
      if (args.resume !== undefined || args.overwrite)
        throw new UsageError('compare does not take --resume or --overwrite (they are train flags).');
      const resolved = resolveConfig(args, ctx.cwd);
      await compareRun(
        resolved,
        strategies,
        { cwd: ctx.cwd, stdout: ctx.stdout, stderr: ctx.stderr, logger: streamLogger(ctx.stderr) },
        { ...(seeds ? { seeds } : {}), variants, ...(chosen ? { chosen } : {}) },
      );
      return 0;
    } catch (e) {
      return reportError(e, ctx.stderr);
    }
  },
};

/** Usage, the shared config flags and the registered strategies. */
export async function compareHelp(): Promise<string> {
  const container = await buildPluginContainer([], process.cwd());
  const names = listPlugins(container, 'strategy')
    .map((p) => p.name)
    .sort();
  return [
    `Usage: fedloge compare --${STRATEGIES_FLAG} <a,b,…> [--config <file>] [flags]`,
    '',
    'Trains each strategy in turn on the same data set, partition and seed (the data is built once),',
    'each into <out>/<strategy>/ (metrics.jsonl, summary.json, report.html), then writes compare.md,',
    'compare.csv and report.html to <out> (default runs/<timestamp>-compare).',
    'Strategy options from a config file apply to the strategy they name; the others use their defaults.',
    '',
    'Flags:',
    `  --${STRATEGIES_FLAG} <a,b,…>  Comma-separated strategies to compare (required; replaces --strategy).`,
    `  --${SEEDS_FLAG} <s1,s2,…>      Repeat every strategy over these seeds (partition and training); tables show mean ± std`,
    '                        and how many seeds stand behind each row; runs go to <out>/<strategy>/seed-<s>/.',
    `  --${VARIANTS_FLAG} all|headline  Rows for every variant a strategy reports (default: all), or only its headline.`,
    `  --${VARIANTS_FLAG} <s>=<v>,…     Per strategy, the reported variant shown in its headline row instead of its own`,
    '                        headline: a GM and/or a PM variant, by name or key, e.g. fedloge=ga-fr,fedloge=la-fr,',
    '                        fedrod=generic+personal,fedper=pm/personal/unmasked; combines with all|headline.',
    formatFlagHelp(),
    '',
    `Registered strategies: ${names.join(', ')}.`,
    '',
  ].join('\n');
}
