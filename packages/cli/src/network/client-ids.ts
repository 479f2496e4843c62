/** `--clients 0-9,12,20-23`: the logical client ids a `fedloge client` process hosts. */
import { UsageError } from '../config/errors.js';

/** Parse a list of ids and inclusive ranges; ids come back ascending and unique. */
export function parseClientIds(text: string, flag = '--clients'): number[] {
  const ids = new Set<number>();
  for (const part of text.split(',').map((p) => p.trim())) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) throw new UsageError(`${flag} ${text}: '${part}' is not an id or a range like 0-9 (give e.g. --clients 0-9,12).`);
    const first = Number(m[1]);
    const last = m[2] !== undefined ? Number(m[2]) : first;
    if (last < first) throw new UsageError(`${flag} ${text}: the range '${part}' runs backwards; write it as ${last}-${first}.`);
    if (last - first >= 100_000) throw new UsageError(`${flag} ${text}: the range '${part}' holds more than 100000 clients.`);
    for (let k = first; k <= last; k++) ids.add(k);
  }
  return [...ids].sort((a, b) => a - b);
}
