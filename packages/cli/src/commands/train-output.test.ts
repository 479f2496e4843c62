/**
 * Output folders and paths: an existing run is never silently overwritten, and a bad --out or
 * --export-partition is refused (exit 2, one message naming the flag and the path) before any
 * data is loaded and before anything is written.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FASHION_MNIST_DIR, tempDir, writeTinyPartition } from '../__fixtures__/tiny-run.js';
import { runCli } from '../__fixtures__/run-cli.js';

/** A tiny fedavg run: 2 rounds, evaluated once. */
function tinyArgs(dir: string): string[] {
  return [
    'train',
    '--partition',
    join(dir, 'tiny-partition.json'),
    '--data-dir',
    FASHION_MNIST_DIR,
    '--clients',
    '3',
    '--clients-per-round',
    '2',
    '--rounds',
    '2',
    '--eval-every',
    '2',
    '--batch-size',
    '16',
    '--backend',
    'wasm',
    '--workers',
    '0',
  ];
}

describe('an existing run folder', () => {
  it('is refused as --out, with what to do, and left untouched', async () => {
    const dir = tempDir('nonempty');
    writeTinyPartition(dir, 3, 40);
    mkdirSync(join(dir, 'out'));
    writeFileSync(join(dir, 'out', 'metrics.jsonl'), 'earlier run\n');
    const { code, stderr } = await runCli([...tinyArgs(dir), '--out', 'out'], dir);
    expect(code).toBe(2);
    expect(stderr).toContain(`--out ${join(dir, 'out')} is not empty (metrics.jsonl). Continue that run with --resume`);
    expect(stderr).toContain('--overwrite');
    expect(stderr).not.toMatch(/^data:/m);
    expect(readdirSync(join(dir, 'out'))).toEqual(['metrics.jsonl']);
    expect(readFileSync(join(dir, 'out', 'metrics.jsonl'), 'utf8')).toBe('earlier run\n');
  });

  it('is not cleared by --overwrite when it holds files no run wrote', async () => {
    const dir = tempDir('foreign');
    writeTinyPartition(dir, 3, 40);
    mkdirSync(join(dir, 'out'));
    writeFileSync(join(dir, 'out', 'thesis.tex'), 'precious');
    const { code, stderr } = await runCli([...tinyArgs(dir), '--out', 'out', '--overwrite'], dir);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--overwrite refuses to clear .*out: it holds files no run wrote \(thesis\.tex\)/);
    expect(readFileSync(join(dir, 'out', 'thesis.tex'), 'utf8')).toBe('precious');
  });

  it('is replaced as a whole by --overwrite: no file of the earlier run is left beside the new one', async () => {
    const dir = tempDir('overwrite');
    writeTinyPartition(dir, 3, 40);
    const out = join(dir, 'out');
    mkdirSync(join(out, 'model'), { recursive: true });
    mkdirSync(join(out, 'checkpoints'));
    writeFileSync(join(out, 'model', 'model.json'), '{}');
    writeFileSync(join(out, 'checkpoints', 'round-00009.ckpt'), 'old');
    writeFileSync(join(out, 'summary.json'), '{"old": true}');
    writeFileSync(join(out, 'predictions-global.jsonl'), '{}\n');
    writeFileSync(join(out, '.summary.json.123.tmp'), '{"ol');
    const { code, stderr } = await runCli([...tinyArgs(dir), '--out', 'out', '--overwrite'], dir);
    expect(code, stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['checkpoints', 'metrics.csv', 'metrics.jsonl', 'model', 'report.html', 'summary.json']);
    // The new run's own model, not the earlier run's file.
    expect(readdirSync(join(out, 'model')).sort()).toEqual(['client-states.f32', 'global.f32', 'manifest.json', 'model.safetensors']);
    expect(readdirSync(join(out, 'checkpoints'))).toEqual(['round-00002.ckpt']);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).final.round).toBe(2);
  });
});

describe('bad output paths are refused before the data is loaded', () => {
  const cases: { name: string; argv: (dir: string) => string[]; message: (dir: string) => string }[] = [
    {
      name: '--out in /proc (where a recursive mkdir never returns)',
      argv: () => ['--out', '/proc/fedloge-out/run'],
      message: () => '--out /proc/fedloge-out/run: cannot create anything in /proc (ENOENT)',
    },
    {
      name: '--out in /sys',
      argv: () => ['--out', '/sys/fedloge-out'],
      message: () => '--out /sys/fedloge-out: cannot create anything in /sys (EPERM)',
    },
    {
      name: '--out naming a file',
      argv: () => ['--out', 'a-file'],
      message: (d) => `--out ${join(d, 'a-file')}: it is a file, not a folder`,
    },
    {
      name: '--out under a file',
      argv: () => ['--out', 'a-file/run'],
      message: (d) => `--out ${join(d, 'a-file', 'run')}: ${join(d, 'a-file')} is a file, so no folder can be created under it`,
    },
    {
      name: '--out a dangling symbolic link',
      argv: () => ['--out', 'dangling'],
      message: (d) => `--out ${join(d, 'dangling')}: it is a symbolic link to a missing target`,
    },
    {
      name: '--out under a dangling symbolic link',
      argv: () => ['--out', 'dangling/run'],
      message: (d) => `--out ${join(d, 'dangling', 'run')}: ${join(d, 'dangling')} is a symbolic link to a missing target`,
    },
    {
      name: '--export-partition in /proc',
      argv: () => ['--out', 'out', '--export-partition', '/proc/p.json'],
      message: () => '--export-partition /proc/p.json: cannot create anything in /proc (ENOENT)',
    },
    {
      name: '--export-partition naming a folder',
      argv: () => ['--out', 'out', '--export-partition', 'a-folder'],
      message: (d) => `--export-partition ${join(d, 'a-folder')}: it is a folder, not a file`,
    },
  ];
  it.each(cases)(
    '$name',
    async ({ argv, message }) => {
      const dir = tempDir('bad-out');
      writeFileSync(join(dir, 'a-file'), 'x');
      mkdirSync(join(dir, 'a-folder'));
      symlinkSync(join(dir, 'nowhere'), join(dir, 'dangling'));
      // An empty --data-dir: had the data been loaded first, that would be the error.
      mkdirSync(join(dir, 'no-data'));
      const { code, stderr } = await runCli(['train', '--data-dir', join(dir, 'no-data'), '--backend', 'wasm', ...argv(dir)], dir);
      expect(code).toBe(2);
      expect(stderr).toContain(message(dir));
      expect(stderr).not.toMatch(/^data:|^backend:/m);
      expect(readdirSync(dir).sort()).toEqual(['a-file', 'a-folder', 'dangling', 'no-data']);
      expect(readdirSync(join(dir, 'a-folder'))).toEqual([]);
      expect(existsSync('/proc/fedloge-out')).toBe(false);
    },
    20_000,
  );
});
