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

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

export const PROFILE_DUMP_SOURCE = join(here, 'profile-dump.c');
export const PROFILE_DUMP_BINARY = join(here, 'build', 'profile-dump');
export const EXIT_PREREQ_MISSING = 3;

const LIBS = ['-lkrb5', '-lk5crypto', '-lcom_err', '-lkrb5support'];

function run(cmd, args, opts = {}) {
  return spawnSync(cmd, args, { encoding: 'utf8', ...opts });
}

/** Missing prerequisites, human-readable (empty when all are present). */
export function missingPrerequisites() {
  const gcc = run('gcc', ['--version']);
  if (gcc.error || gcc.status !== 0) {
    return existsSync('/usr/include/profile.h') ? ['gcc'] : ['gcc', 'libkrb5-dev (profile.h)'];
  }
  const probe = run('gcc', ['-E', '-x', 'c', '-', '-o', '/dev/null'], { input: '#include <krb5.h>\n#include <profile.h>\n' });
  return probe.status !== 0 ? ['libkrb5-dev (profile.h)'] : [];
}

function install(log) {
  log('profile-dump: installing libkrb5-dev and gcc with apt-get');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', 'libkrb5-dev', 'gcc']]) {
    const r = spawnSync('apt-get', args, { stdio: ['ignore', 'inherit', 'inherit'], env });
    if (r.error || r.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed: ${r.error?.message ?? `exit ${r.status}`}`);
  }
}

function upToDate() {
  return existsSync(PROFILE_DUMP_BINARY) && statSync(PROFILE_DUMP_BINARY).mtimeMs >= statSync(PROFILE_DUMP_SOURCE).mtimeMs;
}

/**
 * Makes sure the profile-dump binary exists and is up to date.
 * @param {{ install?: boolean, force?: boolean, log?: (msg: string) => void }} [opts]
 * @returns {{ ok: true, binary: string, built: boolean } | { ok: false, missing: string[], reason: string }}
 */
export function ensureProfileDump(opts = {}) {
  const log = opts.log ?? ((m) => process.stderr.write(m + '\n'));
  const wantInstall = opts.install ?? process.env.CI === 'true';
  if (!opts.force && upToDate()) return { ok: true, binary: PROFILE_DUMP_BINARY, built: false };
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
    return { ok: false, missing, reason: `profile-dump needs ${missing.join(' and ')}; install them with "apt-get install libkrb5-dev gcc"` };
  }
  mkdirSync(dirname(PROFILE_DUMP_BINARY), { recursive: true });
  const tmp = `${PROFILE_DUMP_BINARY}.${process.pid}.tmp`;
  const cc = run('gcc', ['-O2', '-Wall', '-o', tmp, PROFILE_DUMP_SOURCE, ...LIBS]);
  if (cc.error || cc.status !== 0) {
    rmSync(tmp, { force: true });
    return { ok: false, missing: [], reason: `gcc failed building ${PROFILE_DUMP_SOURCE}:\n${cc.stderr || cc.error?.message || ''}` };
  }
  renameSync(tmp, PROFILE_DUMP_BINARY);
  log(`profile-dump: built ${PROFILE_DUMP_BINARY}`);
  return { ok: true, binary: PROFILE_DUMP_BINARY, built: true };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = new Set(process.argv.slice(2));
  if (args.has('--check')) {
    const missing = missingPrerequisites();
    if (missing.length) {
      console.error(`profile-dump: missing ${missing.join(', ')}`);
      process.exit(EXIT_PREREQ_MISSING);
    }
    console.log('profile-dump: gcc and profile.h present');
    process.exit(0);
  }
  const res = ensureProfileDump({ install: args.has('--install') || process.env.CI === 'true', force: args.has('--force') });
  if (res.ok) {
    if (!res.built) console.log(`profile-dump: up to date (${res.binary})`);
    process.exit(0);
  }
  console.error(`profile-dump: ${res.reason}`);
  process.exit(res.missing.length > 0 ? EXIT_PREREQ_MISSING : 1);
}
