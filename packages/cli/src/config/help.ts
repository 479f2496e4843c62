/** `--help` text for the config flags: description and default read from the config schema. */
import { COMMAND_FLAGS, CONFIG_FLAGS } from './flags.js';
import { configJsonSchema, type JsonSchemaNode } from './json-schema.js';
import { RunConfigSchema } from './schema.js';

/** One aligned line per flag: `--rounds <n>   Communication rounds. (default: 10)`. */
export function formatFlagHelp(): string {
  const defaults = RunConfigSchema.parse({}) as unknown;
  const schema = configJsonSchema();
  const rows: [string, string][] = [];
  for (const f of COMMAND_FLAGS) {
    rows.push([`--${f.flag}${'placeholder' in f ? ` ${f.placeholder}` : ''}`, f.description]);
  }
  for (const f of CONFIG_FLAGS) {
    const description = f.description ?? nodeAt(schema, f.path)?.description ?? '';
    const value = valueAt(defaults, f.path);
    const shown = value === undefined || (Array.isArray(value) && value.length === 0) ? '' : ` (default: ${String(value)})`;
    const repeat = f.kind === 'strings' ? ' Repeatable.' : '';
    rows.push([`--${f.flag}${f.placeholder ? ` ${f.placeholder}` : ''}`, `${description}${repeat}${shown}`]);
  }
  const width = Math.max(...rows.map(([name]) => name.length)) + 2;
  return rows.map(([name, text]) => `  ${name.padEnd(width)}${text}`).join('\n');
}

function nodeAt(schema: JsonSchemaNode, path: readonly string[]): JsonSchemaNode | undefined {
  let node: JsonSchemaNode | undefined = schema;
  for (const key of path) node = node?.properties?.[key];
  return node;
}

function valueAt(v: unknown, path: readonly string[]): unknown {
  for (const k of path) v = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[k] : undefined;
  return v;
}
