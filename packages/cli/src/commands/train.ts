/**
 * `fedloge train`: simulate federated training from a config file and/or flags, print progress
 * and a results table, and write metrics.jsonl and summary.json to the output folder.
 */
import { listPlugins, type Logger, type PluginKind } from '@fedloge/core';
import { UsageError } from '../config/errors.js';
import { parseConfigArgs } from '../config/flags.js';
import { formatFlagHelp } from '../config/help.js';
import { resolveConfig } from '../config/resolve.js';
import { buildPluginContainer } from '../runtime/plugin-container.js';
import { planResume } from '../run/resume.js';
import { TrainInterrupted, trainRun } from '../run/train-run.js';
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
      if (args.resume !== undefined && args.overwrite)
        throw new UsageError('--resume continues a run folder and --overwrite clears one; give only one of them.');
      const plan = args.resume !== undefined ? planResume({ ...args, resume: args.resume }, ctx.cwd) : undefined;
      const resolved = plan?.resolved ?? resolveConfig(args, ctx.cwd);
      const stop = new AbortController();
      const removeHandlers = stopOnSignals(stop, ctx.stderr);
      try {
        await trainRun(
          resolved,
          { cwd: ctx.cwd, stdout: ctx.stdout, stderr: ctx.stderr, logger: streamLogger(ctx.stderr) },
          { ...(plan ? { resume: plan.resumed } : {}), overwrite: args.overwrite, signal: stop.signal },
        );
      } finally {
        removeHandlers();
      }
      return 0;
    } catch (e) {
      if (e instanceof TrainInterrupted) {
        ctx.stderr.write(
          `${e.message}; summary.json and a checkpoint are in ${e.outDir}.\nResume with: fedloge train --resume ${e.outDir}\n`,
        );
        return signalExitCode(e.signal);
      }
      return reportError(e, ctx.stderr);
    }
  },
};

/** Conventional exit status of a process stopped by `signal` (128 + its number). */
export function signalExitCode(signal: string): number {
  return signal === 'SIGTERM' ? 143 : 130;
}

/**
 * SIGINT/SIGTERM abort `stop` (reason: the signal's name) so the run ends after the round in
 * progress; a second signal exits at once. Returns a function that removes the handlers.
 */
export function stopOnSignals(stop: AbortController, stderr: NodeJS.WritableStream): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted) {
      stderr.write(`\n${signal} again: exiting now, without waiting for the round in progress.\n`);
      process.exit(signalExitCode(signal));
    }
    stderr.write(`\n${signal}: stopping after the round in progress (send it again to exit at once).\n`);
    stop.abort(signal);
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
  for (const s of signals) process.on(s, onSignal);
  return () => {
    for (const s of signals) process.off(s, onSignal);
  };
}

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
    section('dataset', 'Datasets (--dataset)'),
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
