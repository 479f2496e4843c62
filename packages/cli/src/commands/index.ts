// Every `fedloge` subcommand, by name (one file each).
import type { Command } from './command.js';
import { compareCommand } from './compare.js';
import { sweepCommand } from './sweep.js';
import { predictCommand } from './predict.js';
import { trainCommand } from './train.js';
import { serverCommand } from './server.js';
import { clientCommand } from './client.js';
import { serverappCommand } from './serverapp.js';

export const COMMANDS: Readonly<Record<string, Command>> = {
  [trainCommand.name]: trainCommand,
  [compareCommand.name]: compareCommand,
  [sweepCommand.name]: sweepCommand,
  [predictCommand.name]: predictCommand,
  [serverCommand.name]: serverCommand,
  [clientCommand.name]: clientCommand,
  [serverappCommand.name]: serverappCommand,
};

export type { Command, CommandContext } from './command.js';
export { reportError, FAILURE_EXIT_CODE } from './report-error.js';
export { trainCommand, trainHelp } from './train.js';
export { compareCommand, compareHelp } from './compare.js';
export { sweepCommand, sweepHelp } from './sweep.js';
export { formatOutcome, predictCommand, predictHelp } from './predict.js';
export { serverCommand, serverHelp } from './server.js';
export { clientCommand, clientHelp } from './client.js';
export { serverappCommand, serverappHelp } from './serverapp.js';
