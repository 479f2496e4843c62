import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

import { applyOpenMpDefaults } from './openmp-env.js';

describe('applyOpenMpDefaults', () => {
  it('makes idle OpenMP threads sleep when the user chose no waiting policy', () => {
    const env: NodeJS.ProcessEnv = { PATH: '/bin' };
    expect(applyOpenMpDefaults(env)).toEqual(['OMP_WAIT_POLICY']);
    expect(env).toEqual({ PATH: '/bin', OMP_WAIT_POLICY: 'passive' });
  });

  it("leaves the user's OMP_WAIT_POLICY or GOMP_SPINCOUNT alone", () => {
    const active: NodeJS.ProcessEnv = { OMP_WAIT_POLICY: 'active' };
    expect(applyOpenMpDefaults(active)).toEqual([]);
    expect(active).toEqual({ OMP_WAIT_POLICY: 'active' });
    const spin: NodeJS.ProcessEnv = { GOMP_SPINCOUNT: '10000' };
    expect(applyOpenMpDefaults(spin)).toEqual([]);
    expect(spin).toEqual({ GOMP_SPINCOUNT: '10000' });
  });

  it('is in force once the addon has loaded, in a fresh process', () => {
    // The built loader (npm test builds dist/ first): Node 20 cannot import the .ts source.
    const load = fileURLToPath(new URL('../dist/load.js', import.meta.url));
    if (!existsSync(load)) throw new Error(`${load} is missing; build first: npx tsc -b packages/cuda-kernels/tsconfig.json`);
    const script = `const m = await import(${JSON.stringify(load)}); m.nativeAddon(); console.log(process.env.OMP_WAIT_POLICY ?? 'unset');`;
    const run = (extra: NodeJS.ProcessEnv) => {
      const { OMP_WAIT_POLICY: _w, GOMP_SPINCOUNT: _s, ...env } = process.env;
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
        encoding: 'utf8',
        env: { ...env, ...extra },
      });
      expect(r.status, r.stderr).toBe(0);
      return r.stdout.trim();
    };
    expect(run({})).toBe('passive');
    expect(run({ OMP_WAIT_POLICY: 'active' })).toBe('active');
  });
});
