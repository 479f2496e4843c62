/**
 * Run the built `fedloge` executable (packages/cli/dist/bin.js) as a child process, for tests that
 * need a real process: signals, crashes. `npm test` builds dist/ before running the tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CLI_BIN = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));

export interface Exited {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Start `fedloge <argv>` in `cwd`; `exited` resolves when it ends. */
export function spawnCli(
  argv: readonly string[],
  cwd: string,
  wrap: readonly string[] = [],
): { child: ChildProcess; exited: Promise<Exited>; stderr: () => string } {
  if (!existsSync(CLI_BIN)) throw new Error(`${CLI_BIN} is missing; build the CLI first (npx tsc -b packages/cli/tsconfig.json)`);
  // Without npm's INIT_CWD the executable resolves paths against its own working folder.
  const { INIT_CWD: _i, NX_WORKSPACE_ROOT: _n, ...env } = process.env;
  // `wrap`: a command prefix, e.g. `ip netns exec <name>` (which execs node, so the pid is node's).
  const [command, ...prefix] = [...wrap, process.execPath];
  const child = spawn(command!, [...prefix, CLI_BIN, ...argv], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<Exited>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, exited, stderr: () => stderr };
}

/** Resolves once `path` exists (polling every 20 ms); rejects after `timeoutMs` or when `gaveUp` settles first. */
export async function waitForFile(path: string, timeoutMs: number, gaveUp?: Promise<unknown>): Promise<void> {
  let over = false;
  void gaveUp?.then(() => (over = true));
  const until = Date.now() + timeoutMs;
  while (!existsSync(path)) {
    if (over) throw new Error(`the process ended before ${path} appeared`);
    if (Date.now() > until) throw new Error(`${path} did not appear within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
