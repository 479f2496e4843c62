/**
 * Output paths are checked before any data is loaded, so a mistyped `--out` costs a second, not a
 * data load followed by a raw EPERM/ENOTDIR. The check writes nothing that stays: it finds the
 * nearest existing folder and creates and removes one probe folder in it, which is the only test
 * of writability that also holds for root and for pseudo file systems such as /proc (where even
 * Node's recursive mkdir never returns).
 */
import { lstatSync, mkdirSync, mkdtempSync, rmdirSync, statSync, type Stats } from 'node:fs';
import { dirname, join } from 'node:path';
import { UsageError } from '../config/errors.js';

/** What the path is meant to become. */
export type OutputKind = 'folder' | 'file';

/**
 * Throws a UsageError naming `flag` and `path` unless `path` can be created (or reused) as a
 * `kind`: no file where a folder is needed (or the reverse), no dangling symbolic link on the
 * way, and a nearest existing folder the process can create entries in.
 */
export function checkOutputPath(flag: string, path: string, kind: OutputKind): void {
  const refuse: (why: string) => never = (why) => {
    throw new UsageError(`${flag} ${path}: ${why}. Choose another ${flag}.`);
  };
  const existing = statOrDangling(path);
  if (existing === 'dangling') refuse('it is a symbolic link to a missing target');
  if (existing !== undefined) {
    if (kind === 'folder' && !existing.isDirectory()) refuse('it is a file, not a folder');
    if (kind === 'file' && existing.isDirectory()) refuse('it is a folder, not a file');
  }
  // The nearest folder that exists: where new folders (or the file) will be created.
  let parent = kind === 'folder' && existing !== undefined ? path : dirname(path);
  for (;;) {
    const s = statOrDangling(parent);
    if (s === 'dangling') refuse(`${parent} is a symbolic link to a missing target`);
    if (s !== undefined) {
      if (!s.isDirectory()) refuse(`${parent} is a file, so no folder can be created under it`);
      break;
    }
    if (dirname(parent) === parent) refuse('no part of it exists');
    parent = dirname(parent);
  }
  try {
    rmdirSync(mkdtempSync(join(parent, '.fedloge-write-check-')));
  } catch (e) {
    refuse(`cannot create anything in ${parent} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** The path's stat (following links), undefined when nothing is there, 'dangling' for a link to nothing. */
function statOrDangling(path: string): Stats | 'dangling' | undefined {
  let link: Stats;
  try {
    link = lstatSync(path);
  } catch {
    return undefined;
  }
  if (!link.isSymbolicLink()) return link;
  try {
    return statSync(path);
  } catch {
    return 'dangling';
  }
}

/**
 * `mkdir -p` one level at a time. Node's `mkdirSync(path, { recursive: true })` loops forever on
 * some pseudo file systems (/proc); a failure here names the folder that could not be created.
 */
export function makeFolders(path: string): void {
  const missing: string[] = [];
  for (let p = path; statOrDangling(p) === undefined && dirname(p) !== p; p = dirname(p)) missing.unshift(p);
  for (const folder of missing) {
    try {
      mkdirSync(folder);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw new Error(`Could not create the folder ${folder}: ${(e as Error).message}`, { cause: e });
    }
  }
}
