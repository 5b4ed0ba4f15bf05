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

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The harness source. */
export const HARNESS_SOURCE = join(here, 'krb5harness.c');
/** Where the built harness lives (gitignored). */
export const HARNESS_BINARY = join(here, 'build', 'krb5harness');
/** The exit code for "gcc or krb5.h is missing". */
export const EXIT_PREREQ_MISSING = 3;

const LIBS = ['-lkrb5', '-lk5crypto', '-lcom_err'];

function run(cmd, args, opts = {}) {
  return spawnSync(cmd, args, { encoding: 'utf8', ...opts });
}

/** Which prerequisites are missing: a list of human-readable names (empty when all present). */
export function missingPrerequisites() {
  const missing = [];
  const gcc = run('gcc', ['--version']);
  if (gcc.error || gcc.status !== 0) {
    missing.push('gcc');
    // Without a compiler we cannot probe the header with it; look for it where Debian puts it.
    if (!existsSync('/usr/include/krb5.h')) missing.push('libkrb5-dev (krb5.h)');
    return missing;
  }
  const probe = run('gcc', ['-E', '-x', 'c', '-', '-o', '/dev/null'], { input: '#include <krb5.h>\n' });
  if (probe.status !== 0) missing.push('libkrb5-dev (krb5.h)');
  return missing;
}

function install(log) {
  log('krb5harness: installing libkrb5-dev and gcc with apt-get');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', 'libkrb5-dev', 'gcc']]) {
    const r = spawnSync('apt-get', args, { stdio: ['ignore', 'inherit', 'inherit'], env });
    if (r.error || r.status !== 0) {
      throw new Error(`apt-get ${args.join(' ')} failed: ${r.error?.message ?? `exit ${r.status}`}`);
    }
  }
}

function upToDate() {
  if (!existsSync(HARNESS_BINARY)) return false;
  return statSync(HARNESS_BINARY).mtimeMs >= statSync(HARNESS_SOURCE).mtimeMs;
}

/**
 * Makes sure the harness binary exists and is up to date.
 * @param {{ install?: boolean, force?: boolean, log?: (msg: string) => void }} [opts]
 * @returns {{ ok: true, binary: string, built: boolean } | { ok: false, missing: string[], reason: string } | { ok: false, missing: [], reason: string }}
 */
export function ensureHarness(opts = {}) {
  const log = opts.log ?? ((m) => process.stderr.write(m + '\n'));
  const wantInstall = opts.install ?? process.env.CI === 'true';
  if (!opts.force && upToDate()) return { ok: true, binary: HARNESS_BINARY, built: false };

  let missing = missingPrerequisites();
  if (missing.length > 0 && wantInstall) {
    try {
      install(log);
    } catch (e) {
      return { ok: false, missing, reason: `cannot install ${missing.join(', ')}: ${e.message}` };
    }
    missing = missingPrerequisites();
  }
  if (missing.length > 0) {
    return {
      ok: false,
      missing,
      reason:
        `the MIT krb5 harness needs ${missing.join(' and ')}; install them with ` +
        `"apt-get install libkrb5-dev gcc" (Debian/Ubuntu) or run "node test/mit/setup.mjs --install" as root`,
    };
  }

  mkdirSync(dirname(HARNESS_BINARY), { recursive: true });
  // Build to a private name and rename, so that concurrent builders (test workers, the bench)
  // never see or run a half-written binary.
  const tmp = `${HARNESS_BINARY}.${process.pid}.tmp`;
  const cc = run('gcc', ['-O2', '-Wall', '-o', tmp, HARNESS_SOURCE, ...LIBS]);
  if (cc.error || cc.status !== 0) {
    rmSync(tmp, { force: true });
    return {
      ok: false,
      missing: [],
      reason: `gcc failed building ${HARNESS_SOURCE}:\n${cc.stderr || cc.error?.message || ''}`,
    };
  }
  renameSync(tmp, HARNESS_BINARY);
  // Smoke test: the binary starts and answers.
  const smoke = run(HARNESS_BINARY, [], { input: 'version\n', env: { ...process.env, KRB5_CONFIG: '/dev/null' } });
  if (smoke.status !== 0 || !smoke.stdout.startsWith('krb5harness ')) {
    return { ok: false, missing: [], reason: `built harness does not run: ${smoke.stderr || smoke.stdout}` };
  }
  log(`krb5harness: built ${HARNESS_BINARY}`);
  return { ok: true, binary: HARNESS_BINARY, built: true };
}

// ---- command line ----
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = new Set(process.argv.slice(2));
  if (args.has('--check')) {
    const missing = missingPrerequisites();
    if (missing.length) {
      console.error(`krb5harness: missing ${missing.join(', ')}`);
      process.exit(EXIT_PREREQ_MISSING);
    }
    console.log('krb5harness: gcc and krb5.h present');
    process.exit(0);
  }
  const res = ensureHarness({
    install: args.has('--install') || process.env.CI === 'true',
    force: args.has('--force'),
  });
  if (res.ok) {
    if (!res.built) console.log(`krb5harness: up to date (${res.binary})`);
    process.exit(0);
  }
  console.error(`krb5harness: ${res.reason}`);
  process.exit(res.missing.length > 0 ? EXIT_PREREQ_MISSING : 1);
}
