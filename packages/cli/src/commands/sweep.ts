/**
 * `fedloge sweep --set <key>=<v1>,<v2> [--set …] [--seeds a,b]`: train every combination of the
 * given config values × seeds, and write one comparison with a row per combination.
 */
import { UsageError } from '../config/errors.js';
import { parseConfigArgs } from '../config/flags.js';
import { formatFlagHelp } from '../config/help.js';
import { SEEDS_FLAG, VARIANTS_FLAG, takeCompareFlags } from '../compare/compare-flags.js';
import { SET_FLAG, takeSetFlags } from '../sweep/sweep-flags.js';
import { SWEEP_FILE_HINT, loadSweepFile, mergeAxes } from '../sweep/sweep-file.js';
import { sweepRun } from '../sweep/sweep-run.js';
import type { Command, CommandContext } from './command.js';
import { reportError } from './report-error.js';
import { streamLogger } from './train.js';

export const sweepCommand: Command = {
  name: 'sweep',
  summary: 'Train every combination of config values (--set key=v1,v2) × seeds, and compare them in one table.',
  async run(ctx: CommandContext): Promise<number> {
    try {
      const { axes: setAxes, rest: afterSet } = takeSetFlags(ctx.argv);
      const { seeds, variants, chosen, rest } = takeCompareFlags(afterSet);
      const args = parseConfigArgs(rest, ctx.cwd);
      if (args.help) {
        ctx.stdout.write(sweepHelp());
        return 0;
      }
      const file = args.configFile === undefined ? undefined : loadSweepFile(args.configFile, ctx.cwd);
      const axes = mergeAxes(file?.axes ?? [], setAxes);
      if (axes.length === 0) throw new UsageError(`sweep needs ${SWEEP_FILE_HINT}, e.g. --${SET_FLAG} train.lr=0.01,0.03 (see --help).`);
      if (chosen) throw new UsageError(`sweep's --${VARIANTS_FLAG} takes all or headline; its rows are points, not strategies.`);
      if (args.resume !== undefined || args.overwrite)
        throw new UsageError('sweep does not take --resume or --overwrite (they are train flags).');
      await sweepRun(
        args,
        axes,
        { cwd: ctx.cwd, stdout: ctx.stdout, stderr: ctx.stderr, logger: streamLogger(ctx.stderr) },
        {
          ...(seeds ? { seeds } : {}),
          variants,
          ...(file ? { fileLayer: file.layer } : {}),
        },
      );
      return 0;
    } catch (e) {
      return reportError(e, ctx.stderr);
    }
  },
};

export function sweepHelp(): string {
  return [
    `Usage: fedloge sweep --${SET_FLAG} <key>=<v1>,<v2>,… [--${SET_FLAG} …] [--${SEEDS_FLAG} <s1>,<s2>] [--config <file>] [flags]`,
    '',
    'Trains every combination of the --set values (the cartesian product, first key slowest) for every seed,',
    'each into <out>/<key>=<value>_…/seed-<s>/ (a normal run folder), then writes compare.md, compare.csv and',
    'report.html to <out> (default runs/<timestamp>-sweep) with a row per combination (mean ± std over seeds).',
    'Every combination is checked before anything runs; combinations with the same data settings share one',
    'partition per seed.',
    '',
    'Flags:',
    `  --${SET_FLAG} <key>=<v1>,<v2>,…  A config key as in a config file (train.lr, strategy.options.etfNorm, clients.total)`,
    '                        and its values: numbers, true/false, or text. Repeat for more keys. A config file may list',
    "                        them in a 'sweep:' section (train.lr: [0.01, 0.03]); --set replaces a key it lists.",
    `  --${SEEDS_FLAG} <s1,s2,…>      Run every combination over these seeds (default: the config's seed).`,
    `  --${VARIANTS_FLAG} all|headline  Rows for every variant a run reports (default: all), or only its headline.`,
    formatFlagHelp(),
    '',
  ].join('\n');
}
