/**
 * A damaged fedkern.node (an interrupted build or copy) is refused before it is loaded, with a
 * message that says how to rebuild, instead of killing the process with SIGBUS. Exercised on
 * copies of the real build; skipped where the addon has not been built.
 */
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { addonDamage, manifestOf, manifestPath } from './addon-integrity.js';
import { defaultCandidates, loadAddon } from './load.js';

const built = defaultCandidates().find((p) => existsSync(p) && !p.startsWith(process.env['FEDKERN_ADDON_PATH'] ?? '\0'));
const skipNote = built ? '' : ' [skipped: fedkern.node is not built; FEDKERN_CUDA=OFF node packages/cuda-kernels/scripts/build.mjs]';

/** A copy of the built addon in a fresh folder, optionally with a manifest of the intact file. */
function copyAddon(withManifest: boolean): string {
  const file = join(mkdtempSync(join(tmpdir(), 'fedkern-copy-')), 'fedkern.node');
  copyFileSync(built!, file);
  if (withManifest) writeFileSync(manifestPath(file), JSON.stringify(manifestOf(readFileSync(file), 'fedkern.node')));
  return file;
}

function truncate(file: string, keep: number): void {
  writeFileSync(file, readFileSync(file).subarray(0, keep));
}

function reasonOf(candidates: string[]): string {
  const { addon, status } = loadAddon(candidates);
  expect(addon).toBeNull();
  return status.loaded ? '' : status.reason;
}

describe(`fedkern.node integrity${skipNote}`, () => {
  afterEach(() => vi.unstubAllEnvs());

  it.skipIf(!built)('an intact copy with its manifest loads', () => {
    const file = copyAddon(true);
    expect(addonDamage(file)).toBeNull();
    expect(loadAddon([file]).status).toEqual({ loaded: true, path: file });
  });

  it.skipIf(!built)('a truncated copy without a manifest is refused from its ELF layout, with how to rebuild', () => {
    const file = copyAddon(false);
    const size = readFileSync(file).length;
    truncate(file, Math.floor(size * 0.6));
    const reason = reasonOf([file]);
    expect(reason).toMatch(/is cut short: .*needs \d+ bytes but the file has \d+/);
    expect(reason).toContain('npm run build:native -w @fedloge/cuda-kernels');
  });

  it.skipIf(!built)('a truncated copy given by FEDKERN_ADDON_PATH is refused against its manifest, and the next candidate is tried', () => {
    const file = copyAddon(true);
    const size = readFileSync(file).length;
    truncate(file, size - 4096);
    vi.stubEnv('FEDKERN_ADDON_PATH', file);
    const { status } = loadAddon(defaultCandidates());
    expect(status).toEqual({ loaded: true, path: built });
    expect(reasonOf([file])).toContain(`is ${size - 4096} bytes but the build wrote ${size}`);
  });

  it.skipIf(!built)('a copy of the right size with one changed byte is refused by its SHA-256', () => {
    const file = copyAddon(true);
    const bytes = readFileSync(file);
    bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
    writeFileSync(file, bytes);
    expect(reasonOf([file])).toMatch(/does not match the SHA-256 its build recorded/);
  });
});
