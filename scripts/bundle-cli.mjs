// Bundles the `tskrb5` command after `tsc` has built dist/. A short command spends most of its
// time starting up and loading modules (see bench/formats.mjs, klist), hence two files:
//   dist/cli/tskrb5.cjs  the package's bin (from bin.ts): the quick klist path and little else,
//                        CommonJS (Node starts a CommonJS file sooner than an ES module);
//   dist/cli/tskrb5.js   the whole command line (from main.ts) in one file instead of ~60,
//                        which saves the resolution and linking of each; the bin imports it.
// dist/cli/main.js stays the unbundled entry the library's modules are checked with.
import { build } from 'esbuild';
import { chmodSync } from 'node:fs';
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
