/** Turning an error into a message on stderr and an exit status. */
import { PluginError } from '@fedloge/core';
import { ConfigError, USAGE_EXIT_CODE, UsageError } from '../config/errors.js';
import { RunAlreadyComplete } from '../run/resume.js';

/** Exit status for failures while running (data missing, a strategy throwing…). */
export const FAILURE_EXIT_CODE = 1;

/**
 * Print `error` for a user: input errors (usage, config, plugin choice) as their message alone,
 * exit 2; anything else as `error: message`, with the stack when FEDLOGE_DEBUG is set, exit 1.
 * `--resume` of a finished run is no failure: its one line, exit 0.
 */
export function reportError(error: unknown, stderr: NodeJS.WritableStream, env: NodeJS.ProcessEnv = process.env): number {
  if (error instanceof RunAlreadyComplete) {
    stderr.write(`${error.message}\n`);
    return 0;
  }
  if (error instanceof UsageError || error instanceof ConfigError || error instanceof PluginError) {
    stderr.write(`${error.message}\n`);
    return USAGE_EXIT_CODE;
  }
  const e = error instanceof Error ? error : new Error(String(error));
  stderr.write(`error: ${e.message}\n`);
  if (env['FEDLOGE_DEBUG'] && e.stack) stderr.write(`${e.stack}\n`);
  else stderr.write('(set FEDLOGE_DEBUG=1 for the stack trace)\n');
  return FAILURE_EXIT_CODE;
}
