/**
 * scripts/build.mjs fails closed when strict: a CUDA build that fails must not turn into a CPU-only addon (which would
 * let the GPU check pass without the device running anything). Runs the real script, in a scratch build folder.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../scripts/build.mjs', import.meta.url));
const hasCmake = spawnSync('cmake', ['--version']).status === 0;

describe.skipIf(!hasCmake)('scripts/build.mjs', () => {
  it('a failing CUDA build fails a strict build, with no CPU-only retry', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fedkern-strict-'));
    try {
      // compute_10 does not exist: with nvcc the CUDA compiler check fails; without nvcc FEDKERN_CUDA=ON is unmet.
      // Both are CUDA build failures, so the outcome is the same on a machine with or without the toolkit.
      const r = spawnSync(process.execPath, [script], {
        encoding: 'utf8',
        env: { ...process.env, FEDKERN_BUILD_STRICT: '1', FEDKERN_CUDA: 'ON', CUDAARCHS: '10', FEDKERN_BUILD_DIR: dir },
        timeout: 110_000,
      });
      const output = `${r.stdout}\n${r.stderr}`;
      expect(r.status, output).toBe(1);
      expect(output).toMatch(/CUDA build failed; FEDKERN_BUILD_STRICT=1, so no CPU-only retry/);
      expect(output).not.toMatch(/retrying CPU-only/);
      expect(existsSync(join(dir, 'Release', 'fedkern.node'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
