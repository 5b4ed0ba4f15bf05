// The native `kerberos` package (mongodb-js/kerberos, N-API over MIT's libgssapi_krb5), built
// from source on this machine, for the side-by-side tests and bench/compat.mjs. It is not a dev
// dependency of the repository (every `npm ci` would then need g++ and libkrb5-dev, and npm ≥ 11
// runs no install script unless allowed): it is installed on demand into a directory of its own,
// TSKRB5_NATIVE_KERBEROS_DIR or <tmpdir>/tskrb5-native-kerberos-<version>-<uid>, by
// `npm install --build-from-source` with the package's install script allowed there.
//   node test/compat/native-kerberos.mjs        installs (if needed) and prints the module's path
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';

export const NATIVE_VERSION = '7.0.0';

/** The 2.x line's last release, for the 2.x API (callbacks, its argument checks). */
export const NATIVE_2_VERSION = '2.2.2';

export function nativeDir(version = NATIVE_VERSION) {
  if (version === NATIVE_VERSION && process.env.TSKRB5_NATIVE_KERBEROS_DIR) return process.env.TSKRB5_NATIVE_KERBEROS_DIR;
  return join(tmpdir(), `tskrb5-native-kerberos-${version}-${process.getuid?.() ?? 'u'}`);
}

/**
 * Runs `install` unless `ready()`, one process at a time (test files run in parallel, and two
 * `npm install`s into one directory would spoil it): a lock directory beside `dir`.
 */
function installOnce(dir, ready, install) {
  if (ready()) return;
  const lock = `${dir}.lock`;
  const until = Date.now() + 900_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      if (Date.now() > until) throw new Error(`${lock}: held for 15 minutes (a crashed install? remove it)`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
    }
  }
  try {
    if (!ready()) install();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** What building it needs that this machine lacks (Debian names). */
export function nativeMissing() {
  const miss = [];
  if (!existsSync('/usr/include/gssapi/gssapi.h')) miss.push('libkrb5-dev');
  try {
    execFileSync('g++', ['--version'], { stdio: 'ignore' });
  } catch {
    miss.push('g++');
  }
  try {
    execFileSync('make', ['--version'], { stdio: 'ignore' });
  } catch {
    miss.push('make');
  }
  return miss;
}

/** The path of the installed package's entry (installing it first if needed); throws when it cannot be built. */
export function nativeKerberos(version = NATIVE_VERSION) {
  const dir = nativeDir(version);
  const entry = join(dir, 'node_modules', 'kerberos', 'lib', 'index.js');
  const binary = join(dir, 'node_modules', 'kerberos', 'build', 'Release', 'kerberos.node');
  installOnce(
    dir,
    () => existsSync(binary),
    () => {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'tskrb5-native-kerberos', private: true, allowScripts: { kerberos: true } }, null, 2));
      execFileSync('npm', ['install', '--no-audit', '--no-fund', '--build-from-source', `kerberos@${version}`], {
        cwd: dir,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, npm_config_build_from_source: 'true' },
        timeout: 600_000,
      });
    },
  );
  // loads, or says why not
  createRequire(import.meta.url)(entry);
  return entry;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(nativeKerberos());

export const MONGODB_VERSION = '7.9.1';

/**
 * The MongoDB driver (npm `mongodb`, whose GSSAPI mechanism does `require('kerberos')`), installed
 * on demand as the native package is, into a directory without any `kerberos`: a run picks the
 * one it gets through NODE_PATH. Returns that directory.
 */
export function mongodbDriver() {
  const dir = process.env.TSKRB5_MONGODB_DIR || join(tmpdir(), `tskrb5-mongodb-${MONGODB_VERSION}-${process.getuid?.() ?? 'u'}`);
  installOnce(
    dir,
    () => existsSync(join(dir, 'node_modules', 'mongodb', 'package.json')),
    () => {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'tskrb5-mongodb', private: true }, null, 2));
      execFileSync('npm', ['install', '--no-audit', '--no-fund', `mongodb@${MONGODB_VERSION}`], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], timeout: 600_000 });
    },
  );
  return dir;
}
