import type * as NodeFs from 'node:fs';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tempDir } from '../__fixtures__/tiny-run.js';

// The disk-full case needs a write that fails half-way; every other fs call stays real.
const failNext = vi.hoisted(() => ({ enospc: false }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof NodeFs>();
  const writeFileSync: typeof fs.writeFileSync = (file, data, options) => {
    if (!failNext.enospc) return fs.writeFileSync(file, data, options);
    failNext.enospc = false;
    fs.writeFileSync(file, String(data).slice(0, 3)); // what a full disk leaves: part of the file
    throw Object.assign(new Error(`ENOSPC: no space left on device, write`), { code: 'ENOSPC' });
  };
  return { ...fs, writeFileSync, default: { ...fs, writeFileSync } };
});

const { OutputWriteError, writeFileAtomic } = await import('./atomic-write.js');
const { RunDirectory } = await import('./run-directory.js');

describe('writeFileAtomic', () => {
  afterEach(() => void (failNext.enospc = false));

  it('on a full disk keeps the old file, removes its temporary file and names the file it was writing', () => {
    const dir = tempDir('enospc');
    const file = join(dir, 'summary.json');
    writeFileSync(file, 'old');
    failNext.enospc = true;
    expect(() => writeFileAtomic(file, '{"new": true}')).toThrow(OutputWriteError);
    failNext.enospc = true;
    expect(() => writeFileAtomic(file, '{"new": true}')).toThrow(`Could not write ${file}: ENOSPC, ENOSPC: no space left on device`);
    expect(readFileSync(file, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['summary.json']);
  });

  it('when the rename fails (a folder in the way) removes its temporary file and names the file', () => {
    const dir = tempDir('rename');
    mkdirSync(join(dir, 'report.html', 'inside'), { recursive: true });
    expect(() => writeFileAtomic(join(dir, 'report.html'), '<html>')).toThrow(new RegExp(`Could not write ${join(dir, 'report.html')}: E`));
    expect(readdirSync(dir)).toEqual(['report.html']);
  });

  it('writes the whole file and leaves nothing else', () => {
    const dir = tempDir('atomic');
    writeFileAtomic(join(dir, 'a.json'), 'text');
    expect(readFileSync(join(dir, 'a.json'), 'utf8')).toBe('text');
    expect(readdirSync(dir)).toEqual(['a.json']);
  });
});

describe('RunDirectory', () => {
  it('names metrics.jsonl when appending to it fails', () => {
    const dir = tempDir('append');
    const run = new RunDirectory(dir);
    mkdirSync(join(dir, 'metrics.jsonl')); // a folder where the file should be
    expect(() => run.appendJsonLine('metrics.jsonl', { round: 1 })).toThrow(`Could not write ${join(dir, 'metrics.jsonl')}: EISDIR`);
  });
});
