/**
 * List files in the ImageNet-LT / OLTR layout (Liu et al., "Large-Scale Long-Tailed Recognition in
 * an Open World", CVPR 2019): one image per line, `relative/path.JPEG label`, the path relative to
 * the data set's image root and the label a class number from 0.
 */
import { readFileSync } from 'node:fs';

/** One image of a split: where it is (relative to the image root) and its class. */
export interface ImageListEntry {
  readonly path: string;
  readonly label: number;
}

/**
 * Parse a list file's text. Blank lines are skipped; the label is the last whitespace-separated
 * field, so a path with spaces survives. `source` names the file in error messages.
 */
export function parseImageList(text: string, source: string): ImageListEntry[] {
  const entries: ImageListEntry[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const match = /^(.+?)\s+(\d+)$/.exec(line);
    if (match === null) {
      throw new Error(
        `${source}:${i + 1}: expected "<image path relative to the image root> <class number>" (e.g. ` +
          `"train/n01440764/n01440764_190.JPEG 0") but found "${line.length > 120 ? `${line.slice(0, 120)}…` : line}"`,
      );
    }
    entries.push({ path: match[1]!, label: Number(match[2]) });
  }
  if (entries.length === 0) throw new Error(`${source} lists no images; expected lines "<image path> <class number>"`);
  return entries;
}

/** Number of classes the lists imply: the largest label + 1. */
export function classCountOf(...lists: readonly (readonly ImageListEntry[])[]): number {
  let max = -1;
  for (const list of lists) for (const e of list) if (e.label > max) max = e.label;
  return max + 1;
}

/** A list file as read: its entries and its bytes (hashed into the cache manifest). */
export interface ReadImageList {
  readonly entries: ImageListEntry[];
  readonly bytes: Uint8Array;
}

/** Read and parse a list file, with an error that says which file is missing. */
export function readImageList(path: string, what: string): ReadImageList {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new Error(`Cannot read ${what} ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
  }
  return { entries: parseImageList(bytes.toString('utf8'), path), bytes };
}
