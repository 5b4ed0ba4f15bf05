// Bundles the `tskrb5` command after `tsc` has built dist/. A short command spends most of its
// time starting up and loading modules (see bench/formats.mjs, klist), hence two files:
//   dist/cli/tskrb5.cjs  the package's bin (from bin.ts): the quick klist path and little else,
//                        CommonJS (Node starts a CommonJS file sooner than an ES module);
//   dist/cli/tskrb5.js   the whole command line (from main.ts) in one file instead of ~60,
//                        which saves the resolution and linking of each; the bin imports it.
// dist/cli/main.js stays the unbundled entry the library's modules are checked with.
//
// The library is bundled too: one module per subpath export (dist/bundle/<subpath>.js, what
// package.json's exports name) and the code they share in chunks beside them, so that a program's
// `import 'tskrb5'` loads ~20 files instead of ~160 (each costs Node's ES module loader a
// resolution, a read and a link: ~130 → ~70 ms cold). @noble/* stay dependencies; the .d.ts
// files tsc wrote stay where they are.
import { build } from 'esbuild';
import { chmodSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  // Whitespace and syntax only: names stay readable in stack traces.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
};
await build({ ...common, entryPoints: [join(root, 'dist/cli/main.js')], outfile: join(root, 'dist/cli/tskrb5.js'), format: 'esm' });
const bin = join(root, 'dist/cli/tskrb5.cjs');
await build({ ...common, entryPoints: [join(root, 'dist/cli/bin.js')], outfile: bin, format: 'cjs', banner: { js: '#!/usr/bin/env node' } });
chmodSync(bin, 0o755);

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const entries = Object.values(pkg.exports)
  .filter((t) => typeof t === 'object')
  .map((t) => join(root, t.default.replace('/bundle/', '/')));
rmSync(join(root, 'dist/bundle'), { recursive: true, force: true });
await build({
  entryPoints: entries,
  outdir: join(root, 'dist/bundle'),
  outbase: join(root, 'dist'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'neutral',
  target: 'node20',
  external: ['@noble/*', 'node:*'],
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
});
