/**
 * The package's version, read from its package.json. Every module that asks is at
 * `dist/cli/<file>.js` — this one unbundled, or inside the `dist/cli/tskrb5.js` bundle — or at
 * `src/cli/version.ts` under tests, so the file is two directories up in each case.
 * @module
 */
import { readFileSync } from 'node:fs';

export function version(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
