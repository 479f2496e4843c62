#!/usr/bin/env node
// The `fedloge` launcher. npm links bins at install time, before anything is built, and skips a
// bin whose file is missing; this committed file always exists and runs the compiled CLI.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/bin.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  console.error('fedloge: the CLI is not built yet. Run `npm run build` in the repository root (or `npx nx run cli:build`).');
  process.exit(1);
}
await import(entry.href);
