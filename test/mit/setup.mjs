#!/usr/bin/env node
// Builds the MIT krb5 reference harness (test/mit/krb5harness.c) into test/mit/build/krb5harness
// when the source is newer than the binary (or the binary is missing).
//
//   node test/mit/setup.mjs            build if needed; exit 3 if gcc or krb5.h is missing
//   node test/mit/setup.mjs --install  also apt-get install libkrb5-dev gcc when missing
//   node test/mit/setup.mjs --check    only report whether gcc and krb5.h are present (exit 0 / 3)
//   node test/mit/setup.mjs --force    rebuild even when up to date
//
// With CI=true the missing packages are installed as with --install (CI runs as root).
// Exit codes: 0 built or up to date; 3 prerequisites missing (and not installed); 1 anything else.
//
// Also importable: `import { ensureHarness, HARNESS_BINARY } from './setup.mjs'`.

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cli, ensureCProgram, missingPrerequisites as missingFor, run } from './c-build.mjs';

export { EXIT_PREREQ_MISSING } from './c-build.mjs';

const here = dirname(fileURLToPath(import.meta.url));

/** The harness source. */
export const HARNESS_SOURCE = join(here, 'krb5harness.c');
/** Where the built harness lives (gitignored). */
export const HARNESS_BINARY = join(here, 'build', 'krb5harness');

const PROGRAM = {
  name: 'krb5harness',
  source: HARNESS_SOURCE,
  binary: HARNESS_BINARY,
  libs: ['-lkrb5', '-lk5crypto', '-lcom_err'],
  headers: ['krb5.h'],
  // The binary starts and answers.
  smoke: (binary) => {
    const r = run(binary, [], { input: 'version\n', env: { ...process.env, KRB5_CONFIG: '/dev/null' } });
    return r.status === 0 && r.stdout.startsWith('krb5harness ') ? undefined : r.stderr || r.stdout;
  },
};

/** Which prerequisites are missing: a list of human-readable names (empty when all present). */
export const missingPrerequisites = () => missingFor(PROGRAM.headers);

/**
 * Makes sure the harness binary exists and is up to date.
 * @param {{ install?: boolean, force?: boolean, log?: (msg: string) => void }} [opts]
 */
export const ensureHarness = (opts = {}) => ensureCProgram(PROGRAM, opts);

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) cli(PROGRAM, process.argv.slice(2));
