#!/usr/bin/env node
// Builds test/mit/profile-dump.c (MIT's profile library as JSON lines, for the krb5.conf
// differential test) into test/mit/build/profile-dump when the source is newer than the binary.
//
//   node test/mit/profile-setup.mjs            build if needed; exit 3 if gcc or profile.h is missing
//   node test/mit/profile-setup.mjs --install  also apt-get install libkrb5-dev gcc when missing
//   node test/mit/profile-setup.mjs --check    only report whether gcc and profile.h are present
//   node test/mit/profile-setup.mjs --force    rebuild even when up to date
//
// With CI=true the missing packages are installed as with --install (as test/mit/setup.mjs does).
// Also importable: `import { ensureProfileDump, PROFILE_DUMP_BINARY } from './profile-setup.mjs'`.

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cli, ensureCProgram, missingPrerequisites as missingFor } from './c-build.mjs';

export { EXIT_PREREQ_MISSING } from './c-build.mjs';

const here = dirname(fileURLToPath(import.meta.url));

export const PROFILE_DUMP_SOURCE = join(here, 'profile-dump.c');
export const PROFILE_DUMP_BINARY = join(here, 'build', 'profile-dump');

const PROGRAM = {
  name: 'profile-dump',
  source: PROFILE_DUMP_SOURCE,
  binary: PROFILE_DUMP_BINARY,
  libs: ['-lkrb5', '-lk5crypto', '-lcom_err', '-lkrb5support'],
  headers: ['krb5.h', 'profile.h'],
};

/** Missing prerequisites, human-readable (empty when all are present). */
export const missingPrerequisites = () => missingFor(PROGRAM.headers);

/**
 * Makes sure the profile-dump binary exists and is up to date.
 * @param {{ install?: boolean, force?: boolean, log?: (msg: string) => void }} [opts]
 */
export const ensureProfileDump = (opts = {}) => ensureCProgram(PROGRAM, opts);

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) cli(PROGRAM, process.argv.slice(2));
