/**
 * `--node-config`: a node's own settings, written as Flower's SuperNode takes them
 * (`flower-supernode --node-config 'partition-id=0 num-partitions=10 name="site a"'`):
 * `key=value` pairs, each value a TOML scalar (integer, float, boolean or quoted string).
 * Pairs may be separated by spaces (Flower) or commas. `partition-id` names the logical client
 * this node hosts, as Flower's quickstart ClientApps read it.
 */
import { UsageError } from '../config/errors.js';

export type NodeConfigValue = string | number | boolean;
export type NodeConfig = Readonly<Record<string, NodeConfigValue>>;

/** The node config key Flower's examples use for the client's data partition. */
export const PARTITION_ID_KEY = 'partition-id';

// Flower's pattern (flwr.common.config.parse_config_args), with commas also ending a bare value.
const PAIR = /(\S+?)=('[^']*'|"[^"]*"|[^\s,]+)/g;

function tomlScalar(key: string, text: string): NodeConfigValue {
  if (/^"[^"]*"$|^'[^']*'$/.test(text)) return text.slice(1, -1);
  if (text === 'true' || text === 'false') return text === 'true';
  if (/^[+-]?(0|[1-9](_?\d)*)$/.test(text)) return Number(text.replaceAll('_', ''));
  if (/^[+-]?(0|[1-9](_?\d)*)(\.\d(_?\d)*)?([eE][+-]?\d(_?\d)*)?$/.test(text)) return Number(text.replaceAll('_', ''));
  throw new UsageError(
    `--node-config: the value of '${key}' (${text}) is not a TOML integer, float, boolean or quoted string; ` +
      `quote strings, e.g. ${key}="${text}"`,
  );
}

export function parseNodeConfig(text: string): NodeConfig {
  const out: Record<string, NodeConfigValue> = {};
  let consumed = '';
  for (const m of text.matchAll(PAIR)) {
    const key = m[1]!.replace(/^,+/, '');
    if (key in out) throw new UsageError(`--node-config: '${key}' is given twice`);
    out[key] = tomlScalar(key, m[2]!);
    consumed += m[0];
  }
  const leftover = text.replace(PAIR, '').replace(/[\s,]+/g, '');
  if (leftover !== '' || consumed === '')
    throw new UsageError(`--node-config '${text}': expected key=value pairs, e.g. --node-config 'partition-id=3 num-partitions=10'`);
  return out;
}

/** The client a node config names (`partition-id`), if any; it must be an integer >= 0. */
export function partitionIdOf(config: NodeConfig): number | undefined {
  const id = config[PARTITION_ID_KEY];
  if (id === undefined) return undefined;
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 0)
    throw new UsageError(`--node-config: ${PARTITION_ID_KEY} must be an integer >= 0 (got ${JSON.stringify(id)})`);
  return id;
}
