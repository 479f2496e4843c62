/**
 * `.npz`: what `numpy.savez` writes and `numpy.load` reads: a zip archive with one `<name>.npy` per
 * array. Entries are stored (not deflated), as `savez` (not `savez_compressed`) stores them, with a
 * fixed timestamp so the same arrays give the same bytes. Plain zip, no zip64: the archive must stay
 * under 4 GiB.
 */
import { crc32 } from 'node:zlib';
import type { FleetArray } from './fleet-array.js';
import { encodeNpy } from './npy.js';

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
/** 1980-01-01 00:00 in MS-DOS date/time: the zip epoch, for reproducible archives. */
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const ZIP_LIMIT = 0xffff_ffff;

export function encodeNpz(arrays: Iterable<readonly [string, FleetArray]>): Uint8Array {
  const utf8 = new TextEncoder();
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  let count = 0;
  const seen = new Set<string>();
  for (const [key, array] of arrays) {
    if (seen.has(key)) throw new Error(`encodeNpz: the array name '${key}' is given twice`);
    seen.add(key);
    const name = utf8.encode(`${key}.npy`);
    const data = encodeNpy(array);
    const crc = crc32(data);
    const local = Buffer.alloc(30 + name.length);
    local.writeUInt32LE(LOCAL_HEADER, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0
    local.writeUInt16LE(0x0800, 6); // bit 11: the name is UTF-8
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    local.set(name, 30);
    const central = Buffer.alloc(46 + name.length);
    central.writeUInt32LE(CENTRAL_HEADER, 0);
    central.writeUInt16LE(20, 4); // made by: 2.0
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(0, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    central.set(name, 46);
    locals.push(local, data);
    centrals.push(central);
    offset += local.length + data.length;
    count++;
    if (offset > ZIP_LIMIT) throw new Error(`encodeNpz: the archive passes 4 GiB at '${key}' (zip64 is not written)`);
  }
  const centralSize = centrals.reduce((n, c) => n + c.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END_OF_CENTRAL_DIRECTORY, 0);
  end.writeUInt16LE(count, 8);
  end.writeUInt16LE(count, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}
