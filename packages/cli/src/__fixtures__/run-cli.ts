/** Run the `fedloge` CLI in-process and keep what it prints, for the end-to-end command tests. */
import { main } from '../main.js';
import { captureStream } from './capture-stream.js';

/** `fedloge <argv>` run in `cwd`: its exit code and everything it wrote to stdout and stderr. */
export async function runCli(argv: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = captureStream();
  const stderr = captureStream();
  const code = await main(argv, { cwd, stdout, stderr });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}
