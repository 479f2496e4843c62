/**
 * The config's JSON Schema (draft 2020-12), generated from the zod schema so the two never drift.
 * Published as packages/cli/config.schema.json; point a config file's `$schema` at it for editor
 * completion and checking.
 */
import { z } from 'zod';
import { RunConfigSchema } from './schema.js';

/** A JSON Schema node, as far as this package reads it. */
export interface JsonSchemaNode {
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchemaNode>>;
  readonly description?: string;
  readonly default?: unknown;
  readonly [key: string]: unknown;
}

/** JSON Schema of what a config file may contain (the *input* side: every field optional). */
export function configJsonSchema(): JsonSchemaNode {
  const schema = z.toJSONSchema(RunConfigSchema, { io: 'input' }) as JsonSchemaNode;
  return { ...schema, title: 'FedLoGe.ts run configuration' };
}

/** The keys a config object may have at `path` (e.g. `['train']`), or undefined for free-form maps. */
export function allowedKeysAt(path: readonly PropertyKey[]): string[] | undefined {
  let node: JsonSchemaNode | undefined = configJsonSchema();
  for (const key of path) node = node?.properties?.[String(key)];
  return node?.properties ? Object.keys(node.properties).filter((k) => k !== '$schema') : undefined;
}

/** The committed file's exact text: the schema as 2-space JSON with a trailing newline. */
export function serializeConfigSchema(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}
