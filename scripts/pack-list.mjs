#!/usr/bin/env node
// Keeps out of the published package what no export, bin or types entry needs. dist/ holds
// tsc's whole output (tests, benchmarks and the fuzzer use the unbundled modules), but the
// package is only:
//   - the modules package.json's exports, main and bin name (the bundles in dist/bundle, the bin
//     dist/cli/tskrb5.cjs) and every module they import, statically or by import("…");
//   - the source maps those modules name (//# sourceMappingURL);
//   - the .d.ts files the exports' `types` name, and every .d.ts they import.
// Every other file under dist/ is listed in dist/.npmignore, which npm applies inside a
// directory that package.json's `files` includes (test/package.test.ts checks the packed list
// against esbuild's and TypeScript's own view of the same graph).
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

const roots = [];
const add = (p) => typeof p === 'string' && p.startsWith('./dist/') && roots.push(join(root, p));
for (const t of Object.values(pkg.exports ?? {})) {
  if (typeof t === 'string') add(t);
  else for (const v of Object.values(t)) add(v);
}
add(pkg.main);
add(pkg.types);
for (const b of Object.values(pkg.bin ?? {})) add(b.startsWith('./') ? b : `./${b}`);

/** Comments out of the way (a .d.ts keeps JSDoc, whose @example may show an import). */
const uncomment = (text) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/(?!# sourceMappingURL).*$/gm, '');
const SPECIFIERS = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)["']([^"']+)["']/g;

const keep = new Set();
const queue = [...roots];
while (queue.length) {
  const f = queue.pop();
  if (keep.has(f)) continue;
  if (!existsSync(f)) throw new Error(`${relative(root, f)} is named by package.json or imported, but missing`);
  keep.add(f);
  if (!/\.(?:c|m)?js$|\.d\.ts$/.test(f)) continue; // a source map is kept, not followed
  const text = readFileSync(f, 'utf8');
  const code = uncomment(text);
  const isTypes = f.endsWith('.d.ts');
  for (const m of code.matchAll(SPECIFIERS)) {
    const spec = m[1];
    if (!spec.startsWith('.')) continue;
    let target = join(dirname(f), spec);
    if (isTypes) target = target.replace(/\.js$/, '.d.ts');
    queue.push(target);
  }
  for (const m of text.matchAll(/\/\/\/\s*<reference\s+path=["']([^"']+)["']/g)) queue.push(join(dirname(f), m[1]));
  const map = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(text);
  if (map && !map[1].startsWith('data:')) queue.push(join(dirname(f), map[1]));
}

function files(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...files(p));
    else out.push(p);
  }
  return out;
}
const left = files(dist)
  .filter((f) => !keep.has(f) && !f.endsWith(`${sep}.npmignore`))
  .map((f) => '/' + relative(dist, f).split(sep).join('/'));
// scripts/fresh.mjs writes its stamp after this runs
if (!left.includes('/.build-stamp')) left.push('/.build-stamp');
left.sort();
writeFileSync(join(dist, '.npmignore'), `# Written by scripts/pack-list.mjs: what no export, bin or types entry of package.json reaches.\n${left.join('\n')}\n`);
