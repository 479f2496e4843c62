/** Where the compiled client-worker entry lives. */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The URL of client-worker.js: beside this module when running the build (dist/workers/), or the
 * build's copy when this module runs from TypeScript sources (vitest), because worker threads
 * need JavaScript. `npm test` builds first, so the copy is current.
 */
export function clientWorkerEntry(): URL {
  const sibling = new URL('./client-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(sibling))) return sibling;
  const built = new URL('../../dist/workers/client-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(built))) return built;
  throw new Error(
    `The worker entry ${fileURLToPath(sibling)} does not exist; build the CLI first (npx tsc -b packages/cli/tsconfig.json) or set workers: 0`,
  );
}
