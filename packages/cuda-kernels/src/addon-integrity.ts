/**
 * Is a fedkern.node file whole? `require` of a truncated shared library does not throw: the
 * dynamic loader maps segments that reach past the end of the file, and the first touch of such a
 * page kills the process with SIGBUS. So before loading, the file is checked against the manifest
 * the build writes beside it (size and SHA-256), and, with or without a manifest, an ELF file's
 * segments and section table must lie inside it.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';

/** What scripts/build.mjs writes beside the addon, as `<addon>.manifest.json`. */
export interface AddonManifest {
  readonly file: string;
  readonly size: number;
  readonly sha256: string;
}

/** Path of the manifest that belongs to `addonPath`. */
export function manifestPath(addonPath: string): string {
  return `${addonPath}.manifest.json`;
}

/** Why the file at `path` must not be loaded, or null when it looks whole. Never throws. */
export function addonDamage(path: string): string | null {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    return `cannot be read (${(e as Error).message})`;
  }
  const manifestFile = manifestPath(path);
  if (existsSync(manifestFile)) {
    let manifest: AddonManifest;
    try {
      manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as AddonManifest;
    } catch (e) {
      return `its manifest ${manifestFile} is unreadable (${(e as Error).message})`;
    }
    if (bytes.length !== manifest.size) {
      return `is ${bytes.length} bytes but the build wrote ${manifest.size} (${manifestFile}): an interrupted build or copy`;
    }
    if (createHash('sha256').update(bytes).digest('hex') !== manifest.sha256) {
      return (
        `does not match the SHA-256 its build recorded in ${manifestFile} (damaged or replaced; ` +
        'if you built it without scripts/build.mjs, delete that manifest)'
      );
    }
  }
  return elfDamage(bytes);
}

/**
 * For an ELF file: a reason if its header, a loadable segment or the section header table lies
 * past the end of the file. Other formats (Mach-O, PE) are left to the manifest check.
 */
export function elfDamage(bytes: Buffer): string | null {
  // Not ELF: `require` refuses such a file with an error (invalid ELF header) rather than a crash.
  if (bytes.length < 4 || bytes.readUInt32BE(0) !== 0x7f454c46) return null;
  if (bytes.length < 64) return `is cut short inside its ELF header (${bytes.length} bytes)`;
  const is64 = bytes[4] === 2;
  const little = bytes[5] === 1;
  if (!is64) return null; // 32-bit builds are not made; nothing more to check
  const u16 = (at: number) => (little ? bytes.readUInt16LE(at) : bytes.readUInt16BE(at));
  const u32 = (at: number) => (little ? bytes.readUInt32LE(at) : bytes.readUInt32BE(at));
  const u64 = (at: number) => Number(little ? bytes.readBigUInt64LE(at) : bytes.readBigUInt64BE(at));
  const phoff = u64(0x20);
  const shoff = u64(0x28);
  const phentsize = u16(0x36);
  const phnum = u16(0x38);
  const shentsize = u16(0x3a);
  const shnum = u16(0x3c);
  const PT_LOAD = 1;
  if (phoff + phnum * phentsize > bytes.length) return `is cut short: its ELF program headers end past ${bytes.length} bytes`;
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    if (u32(at) !== PT_LOAD) continue;
    const offset = u64(at + 0x08);
    const fileSize = u64(at + 0x20);
    if (offset + fileSize > bytes.length) {
      return `is cut short: a loadable segment needs ${offset + fileSize} bytes but the file has ${bytes.length} (an interrupted build or copy)`;
    }
  }
  if (shnum > 0 && shoff + shnum * shentsize > bytes.length) {
    return `is cut short: its ELF section table needs ${shoff + shnum * shentsize} bytes but the file has ${bytes.length}`;
  }
  return null;
}

/** The manifest of the addon bytes at `path` (what the build writes). */
export function manifestOf(bytes: Buffer, file: string): AddonManifest {
  return { file, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}
