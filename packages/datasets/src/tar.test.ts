import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTarFiles } from './tar.js';

const longName = `${'deep/'.repeat(25)}file-with-a-name-past-the-100-byte-ustar-field.bin`;

/** A tar archive made by the system's GNU tar (an independent writer) in the given format. */
function systemTar(format: 'gnu' | 'ustar' | 'pax'): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'fedloge-tar-'));
  mkdirSync(join(dir, 'cifar-10-batches-bin'));
  writeFileSync(join(dir, 'cifar-10-batches-bin', 'a.bin'), Buffer.alloc(1000, 7));
  writeFileSync(join(dir, 'cifar-10-batches-bin', 'empty.bin'), '');
  writeFileSync(join(dir, 'cifar-10-batches-bin', 'b.txt'), 'hello\n');
  const members = ['cifar-10-batches-bin'];
  if (format !== 'ustar') {
    mkdirSync(join(dir, longName, '..'), { recursive: true });
    writeFileSync(join(dir, longName), 'long');
    members.push('deep');
  }
  const archive = join(dir, 'out.tar');
  execFileSync('tar', [`--format=${format}`, '-cf', archive, '-C', dir, ...members]);
  return new Uint8Array(readFileSync(archive));
}

describe('readTarFiles', () => {
  it.each(['gnu', 'ustar', 'pax'] as const)('reads regular files of a %s archive with their contents', (format) => {
    const files = readTarFiles(systemTar(format), 'x.tar');
    expect(Buffer.from(files.get('cifar-10-batches-bin/a.bin')!).equals(Buffer.alloc(1000, 7))).toBe(true);
    expect(files.get('cifar-10-batches-bin/empty.bin')!.length).toBe(0);
    expect(Buffer.from(files.get('cifar-10-batches-bin/b.txt')!).toString()).toBe('hello\n');
    // Folders are not files.
    expect(files.has('cifar-10-batches-bin')).toBe(false);
    expect(files.has('cifar-10-batches-bin/')).toBe(false);
    if (format !== 'ustar') expect(Buffer.from(files.get(longName)!).toString()).toBe('long');
  });

  it('drops a leading ./ from paths', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fedloge-tar-'));
    writeFileSync(join(dir, 'f.bin'), 'x');
    execFileSync('tar', ['-cf', join(dir, 'o.tar'), '-C', dir, './f.bin']);
    expect([...readTarFiles(new Uint8Array(readFileSync(join(dir, 'o.tar'))), 'o.tar').keys()]).toEqual(['f.bin']);
  });

  it('rejects a header whose checksum does not match (a flipped byte in a name)', () => {
    const archive = systemTar('ustar');
    archive[3] = archive[3]! ^ 0x01;
    expect(() => readTarFiles(archive, 'bad.tar')).toThrow(/^bad\.tar: tar header at byte 0 has checksum \d+ but its bytes sum to \d+/);
  });

  it('rejects an archive cut inside a file', () => {
    const archive = systemTar('ustar');
    const files = readTarFiles(archive, 'ok.tar');
    const end = files.get('cifar-10-batches-bin/a.bin')!.byteOffset + 500;
    expect(() => readTarFiles(archive.subarray(0, end), 'cut.tar')).toThrow(
      /cut\.tar: tar entry at byte \d+ needs 1000 bytes but the archive ends first/,
    );
  });
});
