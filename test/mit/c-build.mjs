// Shared build step for the small C programs over MIT's libraries (test/mit/*.c): check for gcc
// and the headers, install libkrb5-dev and gcc with apt-get when asked (CI runs as root), build
// when the source is newer than the binary (to a private name, then rename, so concurrent
// builders never run a half-written binary), and a command line with --check/--install/--force.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/** The exit code for "gcc or a header is missing". */
export const EXIT_PREREQ_MISSING = 3;

export function run(cmd, args, opts = {}) {
  return spawnSync(cmd, args, { encoding: 'utf8', ...opts });
}

/** Missing prerequisites for `headers` (e.g. ['krb5.h']), human-readable; empty when all present. */
export function missingPrerequisites(headers) {
  const gcc = run('gcc', ['--version']);
  if (gcc.error || gcc.status !== 0) {
    // Without a compiler we cannot probe the headers with it; look where Debian puts them.
    const absent = headers.filter((h) => !existsSync(`/usr/include/${h}`));
    return ['gcc', ...(absent.length ? [`libkrb5-dev (${absent.join(', ')})`] : [])];
  }
  const probe = run('gcc', ['-E', '-x', 'c', '-', '-o', '/dev/null'], { input: headers.map((h) => `#include <${h}>\n`).join('') });
  return probe.status !== 0 ? [`libkrb5-dev (${headers.join(', ')})`] : [];
}

function install(name, log) {
  log(`${name}: installing libkrb5-dev and gcc with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', 'libkrb5-dev', 'gcc']]) {
    const r = spawnSync('apt-get', args, { stdio: ['ignore', 'inherit', 'inherit'], env });
    if (r.error || r.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed: ${r.error?.message ?? `exit ${r.status}`}`);
  }
}

/**
 * Makes sure `program.binary` exists and is newer than `program.source`.
 * @param {{ name: string, source: string, binary: string, libs: string[], headers: string[], smoke?: (binary: string) => string | undefined }} program
 *   `smoke` runs the fresh binary and returns an error text, or undefined when it works.
 * @param {{ install?: boolean, force?: boolean, log?: (msg: string) => void }} [opts]
 * @returns {{ ok: true, binary: string, built: boolean } | { ok: false, missing: string[], reason: string }}
 */
export function ensureCProgram(program, opts = {}) {
  const { name, source, binary, libs, headers } = program;
  const log = opts.log ?? ((m) => process.stderr.write(m + '\n'));
  const wantInstall = opts.install ?? process.env.CI === 'true';
  if (!opts.force && existsSync(binary) && statSync(binary).mtimeMs >= statSync(source).mtimeMs) return { ok: true, binary, built: false };
  let missing = missingPrerequisites(headers);
  if (missing.length > 0 && wantInstall) {
    try {
      install(name, log);
    } catch (e) {
      return { ok: false, missing, reason: `cannot install ${missing.join(', ')}: ${e.message}` };
    }
    missing = missingPrerequisites(headers);
  }
  if (missing.length > 0) {
    return { ok: false, missing, reason: `${name} needs ${missing.join(' and ')}; install them with "apt-get install libkrb5-dev gcc" (or run its setup with --install as root)` };
  }
  mkdirSync(dirname(binary), { recursive: true });
  const tmp = `${binary}.${process.pid}.tmp`;
  const cc = run('gcc', ['-O2', '-Wall', '-o', tmp, source, ...libs]);
  if (cc.error || cc.status !== 0) {
    rmSync(tmp, { force: true });
    return { ok: false, missing: [], reason: `gcc failed building ${source}:\n${cc.stderr || cc.error?.message || ''}` };
  }
  renameSync(tmp, binary);
  const smokeError = program.smoke?.(binary);
  if (smokeError) return { ok: false, missing: [], reason: `built ${name} does not run: ${smokeError}` };
  log(`${name}: built ${binary}`);
  return { ok: true, binary, built: true };
}

/** The setup scripts' command line: --check, --install (implied by CI=true), --force. */
export function cli(program, argv) {
  const args = new Set(argv);
  if (args.has('--check')) {
    const missing = missingPrerequisites(program.headers);
    if (missing.length) {
      console.error(`${program.name}: missing ${missing.join(', ')}`);
      process.exit(EXIT_PREREQ_MISSING);
    }
    console.log(`${program.name}: gcc and ${program.headers.join(', ')} present`);
    process.exit(0);
  }
  const res = ensureCProgram(program, { install: args.has('--install') || process.env.CI === 'true', force: args.has('--force') });
  if (res.ok) {
    if (!res.built) console.log(`${program.name}: up to date (${res.binary})`);
    process.exit(0);
  }
  console.error(`${program.name}: ${res.reason}`);
  process.exit(res.missing.length > 0 ? EXIT_PREREQ_MISSING : 1);
}
