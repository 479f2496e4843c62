/**
 * `fedloge predict --run <dir> [--mode universal|global|personalized] [--client k] [--variant v]`:
 * predict with the model a training run exported (FedLoGe's three inference modes; any other
 * strategy's global or personalized model), print its accuracy (head / middle / tail as in
 * training) and write the predictions (index, label, predicted).
 */
import { percent } from '../output/final-table.js';
import { PREDICT_FLAGS, parsePredictArgs } from '../predict/predict-args.js';
import { modeFormula, predictRun, type PredictOutcome } from '../predict/predict-run.js';
import type { PredictArgs } from '../predict/predict-args.js';
import type { Command, CommandContext } from './command.js';
import { reportError } from './report-error.js';
import { streamLogger } from './train.js';

export const predictCommand: Command = {
  name: 'predict',
  summary:
    "Predict test images with a run's model (global or a client's personalized model; FedLoGe also universal); write the predictions.",
  async run(ctx: CommandContext): Promise<number> {
    try {
      const args = parsePredictArgs(ctx.argv, ctx.cwd);
      if (args.help) {
        ctx.stdout.write(predictHelp());
        return 0;
      }
      const outcome = await predictRun(args, { cwd: ctx.cwd, logger: streamLogger(ctx.stderr) });
      ctx.stderr.write(`backend: ${outcome.backend.name} (${outcome.backend.detail})\n`);
      ctx.stdout.write(formatOutcome(args, outcome));
      return 0;
    } catch (e) {
      return reportError(e, ctx.stderr);
    }
  },
};

/** The result lines: what was predicted how, the accuracy, where the predictions went. */
export function formatOutcome(args: PredictArgs, o: PredictOutcome): string {
  const mode = o.mode === 'personalized' ? `personalized, client ${args.client}` : o.mode;
  const a = o.accuracy;
  return [
    `model: ${o.run.modelDir}`,
    `mode: ${mode}: ${o.modeDescription}`,
    `images: ${o.rows.length}, ${o.imagesDescription}`,
    `accuracy ${percent(a.acc)} % (${o.correct}/${o.rows.length}); head ${percent(a.head)}, middle ${percent(a.middle)}, tail ${percent(a.tail)} (no class masking)`,
    `predictions written to ${o.outFile}`,
    '',
  ].join('\n');
}

export function predictHelp(): string {
  const width = Math.max(...PREDICT_FLAGS.map(([f, p]) => `--${f} ${p}`.length)) + 2;
  return [
    'Usage: fedloge predict --run <dir> [--mode universal|global|personalized] [--client k] [--variant name] [flags]',
    '',
    "Loads <run>/model (written by every 'fedloge train' run) and predicts the run's test images.",
    'A FedLoGe model has three modes (default universal):',
    `  universal     ${modeFormula('universal')} (the step-1 generic model)`,
    `  global        ${modeFormula('global')} (generic model, long-tailed global data)`,
    `  personalized  ${modeFormula('personalized')}`,
    "Any other strategy's model is rebuilt from its plugin and predicts with the strategy's own models:",
    '  global        the global model, GM (default)',
    "  personalized  client k's model, PM: its personal part (FedPer/FedRep head, FedBN BatchNorm, FedRoD/Ditto",
    '                personal model…) with the global arrays; FedBABU/FedETF fine-tune on its training data first',
    "  --variant picks one of the strategy's prediction variants (default: its headline; e.g. creff's GM has",
    "                're-trained' and 'fedavg').",
    "The data set and partition are rebuilt from the run's summary.json. Prints accuracy with the run's",
    'head/middle/tail groups and writes one row per image (index, label, predicted).',
    '',
    'Flags:',
    ...PREDICT_FLAGS.map(([f, p, d]) => `  ${`--${f}${p ? ` ${p}` : ''}`.padEnd(width)}${d}`),
    '',
  ].join('\n');
}
