/**
 * Validation of the merged config with messages a user can act on: every problem names the field,
 * the value received, what is allowed and, when known, where the value came from (a flag or the
 * config file). All problems are reported at once.
 */
import type { z } from 'zod';
import { ConfigError } from './errors.js';
import { allowedKeysAt } from './json-schema.js';
import { RunConfigSchema, type RunConfig } from './schema.js';
import { didYouMean } from './suggest.js';

/** Where the value at a config path came from (e.g. `--rounds`, `fedavg.yaml`), if known. */
export type OriginOf = (path: readonly PropertyKey[]) => string | undefined;

/** Parse and validate a merged config. Throws a ConfigError listing every problem. */
export function validateConfig(raw: unknown, originOf: OriginOf = () => undefined): RunConfig {
  const result = RunConfigSchema.safeParse(raw);
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.flatMap((issue) => describeIssue(issue, raw, originOf)));
}

/** One line per problem in `issue`. */
export function describeIssue(issue: z.core.$ZodIssue, raw: unknown, originOf: OriginOf): string[] {
  const field = issue.path.length ? issue.path.map(String).join('.') : '(config)';
  if (issue.code === 'unrecognized_keys') {
    const allowed = allowedKeysAt(issue.path) ?? [];
    return issue.keys.map((key) => {
      const where = [...issue.path.map(String), key].join('.');
      return (
        `${where}: unknown setting.${didYouMean(key, allowed)} ` +
        `Allowed in ${issue.path.length ? field : 'the top level'}: ${allowed.join(', ')}.` +
        fromWhere(originOf([...issue.path, key]))
      );
    });
  }
  if (issue.code === 'custom') return [`${field}: ${issue.message}${fromWhere(originOf(issue.path))}`];
  const value = valueAt(raw, issue.path);
  return [`${field}: received ${show(value)}; expected ${expectation(issue, value)}.${fromWhere(originOf(issue.path))}`];
}

function expectation(issue: z.core.$ZodIssue, value: unknown): string {
  switch (issue.code) {
    case 'invalid_type': {
      const what = issue.expected === 'int' ? 'an integer' : `a ${issue.expected}`;
      return issue.expected === 'int' && typeof value === 'number' ? 'a whole number' : what;
    }
    case 'too_small':
      return issue.origin === 'number' || issue.origin === 'int' || issue.origin === 'bigint'
        ? `a number ${issue.inclusive ? '>=' : '>'} ${String(issue.minimum)}`
        : `at least ${String(issue.minimum)} ${issue.origin === 'string' ? 'character(s)' : 'item(s)'}`;
    case 'too_big':
      return issue.origin === 'number' || issue.origin === 'int' || issue.origin === 'bigint'
        ? `a number ${issue.inclusive ? '<=' : '<'} ${String(issue.maximum)}`
        : `at most ${String(issue.maximum)} ${issue.origin === 'string' ? 'character(s)' : 'item(s)'}`;
    case 'invalid_value': {
      const allowed = issue.values.map((v) => JSON.stringify(v));
      const hint = typeof value === 'string' ? didYouMean(value, issue.values.map(String), (s) => JSON.stringify(s)) : '';
      return `one of ${allowed.join(', ')}${hint ? ` (${hint.trim()})` : ''}`;
    }
    default:
      // e.g. invalid_union, whose schema carries its own message ('a whole number >= 0 or "auto"').
      return issue.message;
  }
}

function fromWhere(origin: string | undefined): string {
  return origin ? ` (set by ${origin})` : '';
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = raw;
  for (const k of path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
