/**
 * `--export-initial <file.npz>`: the global arrays round 1 starts from (the seed's initialisation, or
 * the checkpoint a resumed run continues), as numpy's .npz under our state keys. This is what a Flower
 * ServerApp needs as `initial_arrays` to drive fedloge clients:
 * `ArrayRecord({k: Array(v) for k, v in np.load("init.npz").items()})`.
 */
import { dirname } from 'node:path';
import { encodeNpz, fleetArray } from '@fedloge/fleet';
import type { Reporter, RunStartInfo } from '@fedloge/core';
import { writeFileAtomic } from './atomic-write.js';
import { makeFolders } from './output-path.js';

export function initialArraysWriter(file: string, say: (line: string) => void): Reporter {
  return {
    onRunStart(info: RunStartInfo): void {
      const entries = Object.entries(info.global).map(([k, a]) => [k, fleetArray('float32', a.shape, a.data)] as const);
      makeFolders(dirname(file));
      writeFileAtomic(file, encodeNpz(entries));
      say(`initial arrays: ${entries.length} written to ${file}`);
    },
  };
}
