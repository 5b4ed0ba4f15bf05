#!/usr/bin/env node
// Builds MIT's GSS-API handshake harness (test/mit/gssharness.c, the reference of
// bench/handshake.mjs) into test/mit/build/gssharness when the source is newer than the binary,
// and exports the same for the HTTP load generator of bench/load.mjs (test/mit/loadgen.c).
//
//   node test/mit/gss-setup.mjs [--install|--check|--force]     (as test/mit/setup.mjs)
//
// Also importable: `import { ensureGssHarness, GSS_HARNESS_BINARY } from './gss-setup.mjs'`.

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cli, ensureCProgram, run } from './c-build.mjs';

const here = dirname(fileURLToPath(import.meta.url));

/** Where the built harness lives (gitignored). */
export const GSS_HARNESS_BINARY = join(here, 'build', 'gssharness');

const PROGRAM = {
  name: 'gssharness',
  source: join(here, 'gssharness.c'),
  binary: GSS_HARNESS_BINARY,
  libs: ['-lgssapi_krb5', '-lkrb5', '-lk5crypto', '-lcom_err'],
  headers: ['krb5.h', 'gssapi/gssapi_krb5.h'],
  smoke: (binary) => {
    const r = run(binary, [], { input: 'version\n', env: { ...process.env, KRB5_CONFIG: '/dev/null' } });
    return r.status === 0 && r.stdout.startsWith('gssharness ') ? undefined : r.stderr || r.stdout;
  },
};

/**
 * Makes sure the harness binary exists and is up to date.
 * @param {{ install?: boolean, force?: boolean, log?: (msg: string) => void }} [opts]
 */
export const ensureGssHarness = (opts = {}) => ensureCProgram(PROGRAM, opts);

/** The HTTP Negotiate load generator of bench/load.mjs (test/mit/loadgen.c). */
export const LOADGEN_BINARY = join(here, 'build', 'loadgen');

const LOADGEN = {
  name: 'loadgen',
  source: join(here, 'loadgen.c'),
  binary: LOADGEN_BINARY,
  libs: PROGRAM.libs,
  headers: PROGRAM.headers,
  smoke: (binary) => {
    const r = run(binary, []);
    return r.status === 2 && r.stderr.startsWith('usage: loadgen') ? undefined : r.stderr || r.stdout;
  },
};

/**
 * Makes sure the load generator exists and is up to date.
 * @param {{ install?: boolean, force?: boolean, log?: (msg: string) => void }} [opts]
 */
export const ensureLoadgen = (opts = {}) => ensureCProgram(LOADGEN, opts);

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) cli(PROGRAM, process.argv.slice(2));
