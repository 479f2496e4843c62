// The run configuration: schema, sources (file, flags), merge, validation, JSON Schema, help.
export { RunConfigSchema, BACKEND_NAMES } from './schema.js';
export type { RunConfig, RunConfigInput } from './schema.js';
export { ConfigError, UsageError, USAGE_EXIT_CODE } from './errors.js';
export { CONFIG_FLAGS, COMMAND_FLAGS, parseConfigArgs } from './flags.js';
export type { ConfigFlag, FlagValueKind, ParsedConfigArgs } from './flags.js';
export { loadConfigFile, resolveInputPaths } from './load-file.js';
export { mergeLayers, originIn } from './merge.js';
export type { ConfigLayer } from './merge.js';
export { validateConfig } from './validate.js';
export type { OriginOf } from './validate.js';
export { resolveConfig } from './resolve.js';
export type { ResolvedConfig } from './resolve.js';
export { configJsonSchema, allowedKeysAt, serializeConfigSchema } from './json-schema.js';
export type { JsonSchemaNode } from './json-schema.js';
export { formatFlagHelp } from './help.js';
export { closestName, didYouMean, editDistance } from './suggest.js';
