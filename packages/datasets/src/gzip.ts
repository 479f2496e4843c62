import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/**
 * The decompressed contents of a gzip file. A truncated or corrupt file (zlib error, bad CRC)
 * becomes an error that names the file and says how to recover.
 */
export function gunzipFile(path: string): Buffer {
  const compressed = readFileSync(path);
  try {
    return gunzipSync(compressed);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(
      `${path} is not a valid gzip file (${reason}): it is truncated or corrupt. ` +
        'Delete it and download it again (or reinstall the package that provided it).',
      { cause: err },
    );
  }
}
