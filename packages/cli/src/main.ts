/** `fedloge <command> [flags]`: dispatch to a subcommand, or print the top-level help. */
import { USAGE_EXIT_CODE } from './config/errors.js';
import { didYouMean } from './config/suggest.js';
import { COMMANDS } from './commands/index.js';
import type { CommandContext } from './commands/command.js';
import { cliVersion } from './run/versions.js';

/** Runs the CLI with `argv` (without node and script); resolves with the exit status. */
export async function main(argv: readonly string[], io: Omit<CommandContext, 'argv'>): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(topLevelHelp());
    return name === undefined ? USAGE_EXIT_CODE : 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${cliVersion()}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(
      `Unknown command '${name}'.${didYouMean(name, Object.keys(COMMANDS))} Commands: ${Object.keys(COMMANDS).join(', ')}.\n`,
    );
    return USAGE_EXIT_CODE;
  }
  return command.run({ ...io, argv: rest });
}

function topLevelHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length)) + 2;
  return [
    'Usage: fedloge <command> [flags]',
    '',
    'Commands:',
    ...Object.values(COMMANDS).map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    "Run 'fedloge <command> --help' for a command's flags.",
    '',
  ].join('\n');
}
