/**
 * `fedloge train`: simulate federated training from a config file and/or flags, print progress
 * and a results table, and write metrics.jsonl and summary.json to the output folder.
 */
import { listPlugins, type Logger, type PluginKind } from '@fedloge/core';
import { parseConfigArgs } from '../config/flags.js';
import { formatFlagHelp } from '../config/help.js';
import { resolveConfig } from '../config/resolve.js';
import { buildPluginContainer } from '../run/plugin-container.js';
import { trainRun } from '../run/train-run.js';
import type { Command, CommandContext } from './command.js';
import { reportError } from './report-error.js';

export const trainCommand: Command = {
  name: 'train',
  summary: 'Train a strategy in simulation (default: FedAvg on Fashion-MNIST-LT).',
  async run(ctx: CommandContext): Promise<number> {
    try {
      const args = parseConfigArgs(ctx.argv, ctx.cwd);
      if (args.help) {
        ctx.stdout.write(await trainHelp());
        return 0;
      }
      const resolved = resolveConfig(args, ctx.cwd);
      await trainRun(resolved, { cwd: ctx.cwd, stdout: ctx.stdout, stderr: ctx.stderr, logger: streamLogger(ctx.stderr) });
      return 0;
    } catch (e) {
      return reportError(e, ctx.stderr);
    }
  },
};

/** Usage, every flag with its default, and the registered plugins. */
export async function trainHelp(): Promise<string> {
  const container = await buildPluginContainer([], process.cwd());
  const section = (kind: PluginKind, title: string) => {
    const plugins = listPlugins(container, kind).sort((a, b) => a.name.localeCompare(b.name));
    const width = Math.max(...plugins.map((p) => p.name.length)) + 2;
    return [`${title}:`, ...plugins.map((p) => `  ${p.name.padEnd(width)}${p.description}`)].join('\n');
  };
  return [
    'Usage: fedloge train [--config <file>] [flags]',
    '',
    'Simulates federated training. Settings come from defaults < the --config file (JSON or YAML) < flags.',
    'Writes metrics.jsonl, summary.json and report.html to --out (and the client partition to --export-partition <file>).',
    '',
    'Flags:',
    formatFlagHelp(),
    '',
    section('strategy', 'Strategies (--strategy)'),
    '',
    section('aggregator', 'Aggregators (--aggregator)'),
    '',
    section('model', 'Models (--model)'),
    '',
  ].join('\n');
}

/** Log lines on stderr; debug lines only with FEDLOGE_DEBUG. */
export function streamLogger(stream: NodeJS.WritableStream): Logger {
  return {
    info: (m) => void stream.write(`${m}\n`),
    warn: (m) => void stream.write(`warning: ${m}\n`),
    debug: (m) => {
      if (process.env['FEDLOGE_DEBUG']) stream.write(`debug: ${m}\n`);
    },
  };
}
