/** The shape of a `fedloge` subcommand (one per file in this folder). */

/** What a command receives: its own arguments and the process's streams. */
export interface CommandContext {
  /** Arguments after the subcommand name. */
  readonly argv: readonly string[];
  /** Where the user typed the command; relative paths they give resolve against it. */
  readonly cwd: string;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream & { readonly isTTY?: boolean };
}

export interface Command {
  readonly name: string;
  /** One line for `fedloge --help`. */
  readonly summary: string;
  /** Runs the command; resolves with the process exit status. */
  run(ctx: CommandContext): Promise<number>;
}
