/**
 * Errors the CLI reports as "your input is wrong" (exit status 2, nothing written), as opposed to
 * failures while training (exit status 1).
 */

/** Exit status for invalid flags, config files or config values. */
export const USAGE_EXIT_CODE = 2;

/** Bad command-line usage: unknown flag or subcommand, a missing or malformed flag value. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The config (file or merged result) is invalid. `problems` holds one line per problem. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly problems: readonly string[],
    heading = 'Invalid configuration',
  ) {
    super(`${heading}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}
