#!/usr/bin/env node
// Is dist/ built from the sources as they are now? `npm start` and `prepare` build only when not.
//
//   node scripts/fresh.mjs          exit 0 when dist/ is up to date, 1 when it needs a build
//   node scripts/fresh.mjs --write  record that dist/ was just built from the sources as they are
//
// "The sources" are every file under src/ and scripts/, the tsconfig*.json files, package.json
// and package-lock.json: their paths and contents, hashed into dist/.build-stamp (a content hash,
// so a checkout that changes times but not bytes needs no build; an added, removed or renamed
// file changes it). The build writes the stamp last, so a build that failed leaves it stale. The
// outputs package.json names (exports, bin) must exist too.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const STAMP = join(root, 'dist', '.build-stamp');

function files(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...files(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

export function fingerprint() {
  const inputs = [
    ...files(join(root, 'src')),
    ...files(join(root, 'scripts')),
    ...readdirSync(root)
      .filter((f) => /^tsconfig.*\.json$/.test(f))
      .map((f) => join(root, f)),
    join(root, 'package.json'),
    join(root, 'package-lock.json'),
  ]
    .filter((f) => existsSync(f))
    .map((f) => relative(root, f))
    .sort();
  const h = createHash('sha256');
  for (const f of inputs)
    h.update(`${f}\0`)
      .update(readFileSync(join(root, f)))
      .update('\0');
  return h.digest('hex');
}

/** The files package.json says the package is made of (each export's module and types, the bin). */
function outputs() {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const out = Object.values(pkg.bin ?? {});
  for (const t of Object.values(pkg.exports ?? {})) {
    if (typeof t === 'string') out.push(t);
    else out.push(...Object.values(t));
  }
  return out.filter((p) => p.startsWith('./dist/')).map((p) => join(root, p));
}

if (process.argv.includes('--write')) {
  writeFileSync(STAMP, fingerprint() + '\n');
} else {
  let stamp = '';
  try {
    stamp = readFileSync(STAMP, 'utf8').trim();
  } catch {
    /* never built */
  }
  const missing = outputs().filter((p) => !existsSync(p));
  const fresh = stamp !== '' && missing.length === 0 && stamp === fingerprint();
  if (!fresh && process.argv.includes('--verbose')) {
    process.stderr.write(`dist/ ${stamp === '' ? 'was never built' : missing.length ? `lacks ${relative(root, missing[0])}` : 'was built from other sources'}: building\n`);
  }
  process.exitCode = fresh ? 0 : 1;
}
