import { homedir } from 'node:os';
import { join } from 'node:path';

/** Environment variable that moves the download cache (the folder that replaces `~/.cache/fedloge`). */
export const CACHE_ENV_VAR = 'FEDLOGE_CACHE';

/**
 * The folder where a data set is downloaded to and looked for last:
 * `$FEDLOGE_CACHE/<dataset>` when the variable is set, else `~/.cache/fedloge/<dataset>`.
 */
export function datasetCacheDir(dataset: string, env: NodeJS.ProcessEnv = process.env): string {
  const root = env[CACHE_ENV_VAR];
  return join(root !== undefined && root !== '' ? root : join(homedir(), '.cache', 'fedloge'), dataset);
}
