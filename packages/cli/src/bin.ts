#!/usr/bin/env node
/**
 * The `fedloge` executable. Relative paths on the command line resolve against the folder the
 * user typed the command in: npm and nx run package scripts inside the package folder but keep
 * that folder in INIT_CWD.
 */
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2), {
  cwd: process.env['INIT_CWD'] ?? process.cwd(),
  stdout: process.stdout,
  stderr: process.stderr,
});
