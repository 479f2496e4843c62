/**
 * A minimal reader for POSIX ustar / GNU tar archives held in memory: enough for the official CIFAR
 * tarballs (regular files and folders, GNU long names, pax `path` records). Header checksums are
 * verified, so a corrupt archive fails loudly instead of yielding garbage.
 */

const BLOCK = 512;

/** The regular files of a tar archive, by path (`./` prefixes removed). Data are views, not copies. */
export function readTarFiles(archive: Uint8Array, source: string): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  let offset = 0;
  let longName: string | undefined; // from a GNU 'L' entry or a pax 'path' record, for the next entry
  while (offset + BLOCK <= archive.length) {
    const header = archive.subarray(offset, offset + BLOCK);
    if (header.every((b) => b === 0)) break; // end-of-archive marker
    checkHeaderChecksum(header, source, offset);
    const size = readOctal(header, 124, 12, source, offset);
    const type = String.fromCharCode(header[156]!);
    const dataStart = offset + BLOCK;
    if (dataStart + size > archive.length) {
      throw new Error(`${source}: tar entry at byte ${offset} needs ${size} bytes but the archive ends first; it is truncated`);
    }
    const data = archive.subarray(dataStart, dataStart + size);
    if (type === 'L') {
      longName = readString(data, 0, size);
    } else if (type === 'x') {
      longName = paxPath(data) ?? longName;
    } else {
      const prefix = readString(header, 345, 155);
      const path = longName ?? (prefix !== '' ? `${prefix}/${readString(header, 0, 100)}` : readString(header, 0, 100));
      longName = undefined;
      if (type === '0' || type === '\0' || type === '7') files.set(path.replace(/^(\.\/)+/, ''), data);
    }
    offset = dataStart + Math.ceil(size / BLOCK) * BLOCK;
  }
  return files;
}

function readString(bytes: Uint8Array, start: number, length: number): string {
  const field = bytes.subarray(start, start + length);
  const end = field.indexOf(0);
  return new TextDecoder().decode(end === -1 ? field : field.subarray(0, end));
}

function readOctal(header: Uint8Array, start: number, length: number, source: string, offset: number): number {
  if ((header[start]! & 0x80) !== 0) {
    throw new Error(`${source}: tar entry at byte ${offset} uses a base-256 size (over 8 GB), which is not supported`);
  }
  const text = readString(header, start, length).trim();
  if (!/^[0-7]*$/.test(text)) throw new Error(`${source}: tar entry at byte ${offset} has a bad numeric field '${text}'`);
  return text === '' ? 0 : parseInt(text, 8);
}

/** The header checksum is the byte sum of the header with its own 8-byte field read as spaces. */
function checkHeaderChecksum(header: Uint8Array, source: string, offset: number): void {
  const stored = readOctal(header, 148, 8, source, offset);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i]!;
  if (sum !== stored) {
    throw new Error(`${source}: tar header at byte ${offset} has checksum ${stored} but its bytes sum to ${sum}; the archive is corrupt`);
  }
}

/** The `path` record of a pax extended header ("<len> path=<value>\n" records). */
function paxPath(data: Uint8Array): string | undefined {
  const text = new TextDecoder().decode(data);
  for (const line of text.split('\n')) {
    const match = /^\d+ path=(.*)$/.exec(line);
    if (match) return match[1];
  }
  return undefined;
}
