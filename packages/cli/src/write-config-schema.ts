/**
 * Regenerates packages/cli/config.schema.json from the zod config schema:
 * `npm run config-schema -w @fedloge/cli` (after a build). A test fails when the committed file
 * is stale.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { serializeConfigSchema } from './config/json-schema.js';

const target = fileURLToPath(new URL('../config.schema.json', import.meta.url));
writeFileSync(target, serializeConfigSchema());
console.log(`wrote ${target}`);
