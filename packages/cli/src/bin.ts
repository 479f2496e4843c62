#!/usr/bin/env node
/**
 * The `fedloge` executable. Relative paths on the command line resolve against the folder the
 * user typed the command in. npm runs package scripts inside the package folder but records the
 * original folder in INIT_CWD. An nx task (`nx run cli:train`) is started by nx through npm from
 * the package folder, and nx passes on only the workspace root: relative paths then resolve
 * against the repository root.
 */
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2), {
  cwd: process.env['NX_WORKSPACE_ROOT'] ?? process.env['INIT_CWD'] ?? process.cwd(),
  stdout: process.stdout,
  stderr: process.stderr,
});
