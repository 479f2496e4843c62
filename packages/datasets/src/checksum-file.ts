/**
 * `SHA256SUMS` files as `sha256sum` writes them: one `<64 hex digits>  <name>` line per file (a `*`
 * before the name marks binary mode and is ignored). Lets a rebuilt copy of a data set, whose files
 * differ from the official ones, still be verified file by file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const CHECKSUM_FILE = 'SHA256SUMS';

/** The expected SHA-256 by file name from `<folder>/SHA256SUMS`, or undefined when there is none. */
export function readChecksumFile(folder: string): Map<string, string> | undefined {
  const path = join(folder, CHECKSUM_FILE);
  if (!existsSync(path)) return undefined;
  const sums = new Map<string, string>();
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line.trim() === '') return;
      const match = /^([0-9a-fA-F]{64}) [ *](.+)$/.exec(line.trimEnd());
      if (!match) {
        throw new Error(`${path}:${i + 1}: expected '<64 hex digits>  <file name>' (as sha256sum writes), got '${line.slice(0, 80)}'`);
      }
      sums.set(match[2]!, match[1]!.toLowerCase());
    });
  return sums;
}
