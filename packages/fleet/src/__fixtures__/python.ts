import { spawnSync } from 'node:child_process';

/** Debian's Python with numpy, grpcio, protobuf and cryptography (the pyenv `python3` on PATH lacks them). */
export const PYTHON = process.env['FLEET_TEST_PYTHON'] ?? '/usr/bin/python3';

/** Why the independent Python checks cannot run here, or undefined when they can. */
export function pythonMissing(modules: readonly string[]): string | undefined {
  const r = spawnSync(PYTHON, ['-c', `import ${modules.join(', ')}`], { encoding: 'utf8' });
  if (r.error) return `${PYTHON} not runnable (${r.error.message})`;
  if (r.status !== 0)
    return `${PYTHON} lacks ${modules.join('/')}: ${r.stderr.trim().split('\n').pop() ?? ''} (apt install python3-numpy python3-grpcio python3-protobuf python3-cryptography)`;
  return undefined;
}

/** Run a Python snippet; `input` goes to stdin; returns stdout (throws with stderr on failure). */
export function runPython(code: string, input?: string | Uint8Array): Buffer {
  const r = spawnSync(PYTHON, ['-c', code], { input, maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`python failed (${r.status}): ${r.stderr.toString()}`);
  return r.stdout;
}
